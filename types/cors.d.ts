// Types for rampart/cors (filled in with the implementation).
export {}
