// Types for rampart/jwt (filled in with the implementation).
export {}
