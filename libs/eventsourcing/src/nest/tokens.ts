export const EVENT_STORE = Symbol('EventStore');
export const READ_MODELS = Symbol('ReadModelDatabase');
export const CLOCK = Symbol('Clock');
export const STORAGE_CONFIG = Symbol('StorageConfig');
