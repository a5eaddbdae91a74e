// Types for fortify() (filled in with the implementation).
export {}
