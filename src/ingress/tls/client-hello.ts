// readServerName extracts the SNI host name from the first bytes of a TLS connection (a ClientHello
// record). It returns undefined when there is no SNI, null when more bytes are needed, and '' when
// the bytes are not a ClientHello (the caller then hands the socket to the TLS server as is).
export function readServerName(b: Buffer): string | undefined | null {
  if (b.length < 5) return null;
  if (b[0] !== 0x16) return '';                          // not a handshake record
  const recLen = b.readUInt16BE(3);
  if (b.length < 5 + recLen) return recLen > 16_384 ? '' : null;
  let p = 5;
  if (b[p] !== 0x01) return '';                          // not a ClientHello
  p += 4;                                                // type + 24-bit length
  p += 2 + 32;                                           // version + random
  if (p >= 5 + recLen) return '';
  p += 1 + (b[p] ?? 0);                                  // session id
  if (p + 2 > 5 + recLen) return '';
  p += 2 + b.readUInt16BE(p);                            // cipher suites
  if (p + 1 > 5 + recLen) return '';
  p += 1 + (b[p] ?? 0);                                  // compression methods
  if (p + 2 > 5 + recLen) return undefined;              // no extensions
  const extEnd = p + 2 + b.readUInt16BE(p);
  p += 2;
  while (p + 4 <= extEnd && extEnd <= 5 + recLen) {
    const type = b.readUInt16BE(p);
    const len = b.readUInt16BE(p + 2);
    p += 4;
    if (type === 0) {                                    // server_name
      let q = p + 2;
      const listEnd = p + len;
      while (q + 3 <= listEnd) {
        const nameType = b[q];
        const nameLen = b.readUInt16BE(q + 1);
        q += 3;
        if (nameType === 0) return b.toString('latin1', q, q + nameLen).toLowerCase();
        q += nameLen;
      }
      return undefined;
    }
    p += len;
  }
  return undefined;
}
