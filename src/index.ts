// The library: EventBridge event-pattern matching for unit tests of rules.
export {};
