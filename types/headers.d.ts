// Types for rampart/headers (filled in with the implementation).
export {}
