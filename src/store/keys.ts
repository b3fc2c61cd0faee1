// Key helpers shared by the Store implementations.

// prefixEnd is the smallest string greater than every string that starts with prefix (the exclusive upper
// bound of a prefix range): "/registry/services/default/" → "/registry/services/default0". Keys are ASCII.
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

// nameOfKey is the object name a key ends with ("/registry/services/default/nginx" → "nginx"); errors name it.
export function nameOfKey(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? key : key.slice(i + 1);
}
