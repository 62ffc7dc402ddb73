/** The accounts namespace's messages, shared by the accounts screen and the password form. */
import { defineMessages } from '../i18n/index.js';
import en from '../i18n/en/accounts.js';
import zh from '../i18n/zh-CN/accounts.js';

export const accountMessages = defineMessages('accounts', { 'zh-CN': zh, en });
