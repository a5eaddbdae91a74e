// Types for rampart/validate (filled in with the implementation).
export {}
