/**
 * Random reads of byte ranges from a file that are mostly in file order:
 * each miss reads a window ahead, so a nearly sorted walk costs a few large
 * reads, and the window shrinks when reads jump about, so a shuffled walk
 * costs about one small read per range. Reads are synchronous: a range is
 * small and usually in the page cache, and a thread-pool round trip per
 * range would cost more than the read.
 *
 * Needs read access to the file.
 *
 * @module
 */

const MAX_WINDOW = 4 << 20;
const MIN_WINDOW = 4 << 10;

/** Reads byte ranges of an open file through a read-ahead window. */
export class WindowReader {
  #file: Deno.FsFile;
  #buffer = new Uint8Array(0);
  #window = new Uint8Array(0);
  #start = 0;
  #size = 1 << 20;
  #hits = 0;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * The `length` bytes at `offset` (a view into the window: copy it to keep it).
   *
   * @throws {RangeError} when the file ends before the range does.
   */
  read(offset: number, length: number): Uint8Array {
    const end = offset + length;
    if (offset < this.#start || end > this.#start + this.#window.length) {
      this.#size = this.#hits > 1
        ? Math.min(this.#size * 2, MAX_WINDOW)
        : Math.max(this.#size / 4, MIN_WINDOW);
      this.#hits = 0;
      this.#fill(offset, Math.max(length, this.#size));
      if (end > this.#start + this.#window.length) {
        throw new RangeError(`The file ends before byte ${end}`);
      }
    }
    this.#hits++;
    return this.#window.subarray(offset - this.#start, end - this.#start);
  }

  #fill(offset: number, size: number): void {
    if (this.#buffer.length < size) this.#buffer = new Uint8Array(size);
    this.#file.seekSync(offset, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < size) {
      const read = this.#file.readSync(this.#buffer.subarray(filled, size));
      if (read === null || read === 0) break;
      filled += read;
    }
    this.#window = this.#buffer.subarray(0, filled);
    this.#start = offset;
  }
}
