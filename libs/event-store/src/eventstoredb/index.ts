// A separate entry point: only a deployment on EventStoreDB loads the gRPC client.
export * from './eventstoredb-event-store.js';
