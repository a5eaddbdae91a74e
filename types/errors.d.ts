// Types for rampart/errors (filled in with the implementation).
export {}
