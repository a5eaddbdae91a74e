// Types for rampart/rate-limit (filled in with the implementation).
export {}
