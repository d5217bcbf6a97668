/** Account rules that the server enforces and the console checks before sending. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longer inputs are refused before hashing, so nobody can make the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 256;
