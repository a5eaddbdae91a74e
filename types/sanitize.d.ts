// Types for rampart/sanitize (filled in with the implementation).
export {}
