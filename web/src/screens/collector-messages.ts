/** Messages of the collector page, shared by its tab files. */
import { defineMessages } from '../i18n/index.js';
import en from '../i18n/en/collector.js';
import zh from '../i18n/zh-CN/collector.js';

export const collectorMessages = defineMessages('collector', { 'zh-CN': zh, en });
