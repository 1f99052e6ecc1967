import { type Stats, statSync } from 'node:fs';

/**
 * What the file system says of a path, or undefined when it cannot say: nothing there, a parent that is
 * a file, or a name too long to be a path (inline JSON given where a file may be named).
 */
export function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
