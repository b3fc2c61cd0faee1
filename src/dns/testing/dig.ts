// dig runs the real dig (dnsutils) against a test server and returns its answer in zone-file lines
// (whitespace collapsed to one space, SOA serials replaced by SERIAL) so tests compare text.
import { execFile, execFileSync } from 'node:child_process';

export interface DigResult {
  status: string;
  flags: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  edns: string | undefined;   // the "; EDNS: ..." line, when the response had an OPT record
  raw: string;
}

// hasDig reports whether dig is installed (tests skip themselves when it is not).
export function hasDig(): boolean {
  try { execFileSync('dig', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

// dig queries 127.0.0.1:port for "name TYPE" with extra dig options (+tcp, +ignore, +bufsize=...).
export function dig(port: number, name: string, type: string, opts: string[] = []): Promise<DigResult> {
  const args = ['@127.0.0.1', '-p', String(port), '+noall', '+comments', '+answer', '+authority', '+additional',
    '+nocookie', '+time=2', '+tries=1', ...opts, name, type];
  return new Promise((resolve, reject) => {
    execFile('dig', args, { timeout: 10_000 }, (err, stdout) => {
      if (err && !stdout) { reject(err); return; }
      resolve(parseDig(stdout));
    });
  });
}

// parseDig reads dig's +comments output.
export function parseDig(out: string): DigResult {
  const r: DigResult = { status: /status: (\w+)/.exec(out)?.[1] ?? 'NONE', flags: (/flags: ([a-z ]*);/.exec(out)?.[1] ?? '').trim().split(' ').filter(Boolean),
    answer: [], authority: [], additional: [], edns: /^; EDNS: .*$/m.exec(out)?.[0], raw: out };
  let section: string[] | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith(';; ANSWER SECTION')) section = r.answer;
    else if (line.startsWith(';; AUTHORITY SECTION')) section = r.authority;
    else if (line.startsWith(';; ADDITIONAL SECTION')) section = r.additional;
    else if (line.trim() === '' || line.startsWith(';')) section = line.trim() === '' ? undefined : section;
    else if (section) section.push(normalize(line));
  }
  return r;
}

// normalize collapses whitespace, lowercases owner names and hides SOA serials.
export function normalize(line: string): string {
  const t = line.trim().split(/\s+/);
  if (t[0]) t[0] = t[0].toLowerCase();
  if (t[3] === 'SOA' && t[6]) t[6] = 'SERIAL';
  return t.join(' ');
}

// zoneLines turns a zone-file text block (one record a line, blank lines ignored) into normalized lines.
export function zoneLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map(normalize);
}
