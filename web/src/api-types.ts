/** Shapes of the API answers the ops screens read (src/api/routes/*.ts and their zod schemas). */

/** A registry listing page (src/api/list-page.ts). */
export interface ListPage<T> {
  total: number;
  limit: number;
  items: T[];
  nextCursor?: string;
}

/** GET /status, GET /collectors/:mn/status. */
export interface CollectorStatus {
  mn: string;
  enabled: boolean;
  enterpriseId?: string;
  siteId?: string;
  pointId?: string;
  online: boolean;
  remote?: string;
  connectedAt?: string;
  lastFrameAt?: string;
  lastAckAt?: string;
  framesToday: number;
  rejectionsToday: number;
  replaced: number;
  unknownFactors?: { codes: string[]; dropped: number };
}

/** GET /collectors/:mn (the registry record without password hash). */
export interface Collector {
  mn: string;
  weakPassword: boolean;
  version?: '2005' | '2017' | '2025';
  enabled: boolean;
  allowMnLength: boolean;
  mnCharset?: string;
  profile: { crcVariants: string[]; allowCharLength: boolean; encoding: string; timeZone: string; maxDataLength: number; lengthPolicy?: string };
  siteId?: string;
  pointId?: string;
  enterpriseId?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface Enterprise {
  id: string;
  name: string;
  enabled: boolean;
}

export interface Site {
  id: string;
  name: string;
  enterpriseId: string;
  enabled: boolean;
}

export interface Point {
  id: string;
  name: string;
  siteId: string;
  enterpriseId: string;
  enabled: boolean;
}

/** A monitoring item: one factor at a point with its limits (GET /points/:id/items). */
export interface Item {
  id: string;
  pointId: string;
  factor: string;
  enabled: boolean;
  unit?: string;
  standardLower?: number;
  standardUpper?: number;
  rangeLower?: number;
  rangeUpper?: number;
  startAt?: string;
  endAt?: string;
}

export const DATA_KINDS = ['realtime', 'minute', 'hour', 'day'] as const;
export type DataKind = (typeof DATA_KINDS)[number] | 'five_minute' | 'runtime' | 'status';

/** GET /readings, GET /collectors/:mn/latest. */
export interface Reading {
  kind: DataKind;
  time: string;
  mn: string;
  factor: string;
  invalid: boolean;
  source: 'collector' | 'manual';
  rejected: boolean;
  rtd?: number;
  min?: number;
  avg?: number;
  max?: number;
  cou?: number;
  flag?: string;
  raw?: string;
}

export interface ReadingsPage {
  kind: DataKind;
  timeZone: string;
  readings: Reading[];
  nextCursor?: string;
}

/** GET /frames. */
export interface LoggedFrame {
  id: string;
  receivedAt: string;
  mn?: string;
  cn?: string;
  verdict: string;
  reason?: string;
  sourceAddress: string;
  raw: string;
  size?: number;
  repeats?: number;
}

export interface FramesPage {
  frames: LoggedFrame[];
  nextCursor?: string;
  oldest?: string;
  scanned: number;
}

export const COMMAND_STATES = ['queued', 'sent', 'acknowledged', 'answered', 'refused', 'succeeded', 'failed', 'timed-out', 'offline'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];

/** GET /commands, GET /commands/:id, POST /collectors/:mn/commands. */
export interface Command {
  id: string;
  mn: string;
  name: string;
  cn: string;
  qn: string;
  cp: Record<string, string>;
  requestedBy: { tokenId: string; name: string; role: string };
  state: CommandState;
  final: boolean;
  attempts: number;
  qnRtn?: string;
  exeRtn?: string;
  answer?: Record<string, string>;
  detail?: string;
  createdAt: string;
  sentAt?: string;
  acknowledgedAt?: string;
  answeredAt?: string;
  finishedAt?: string;
}

export interface CommandsPage {
  commands: Command[];
  nextCursor?: string;
}

/** GET /pending-devices. */
export interface PendingDevice {
  mn: string;
  firstSeen: string;
  lastSeen: string;
  sourceIp: string;
  frames: number;
  sampleFrame: string;
}
