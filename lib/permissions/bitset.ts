/**
 * A fixed-width set of permission bits. One 32-bit word holds 32 permissions, so the whole
 * LivePerson catalog fits in a few words per user, and `has` is one array read and a mask.
 */
export class PermissionBits {
  readonly words: Uint32Array;

  constructor(wordsOrSize: Uint32Array | number) {
    this.words = typeof wordsOrSize === 'number' ? new Uint32Array(PermissionBits.wordsFor(wordsOrSize)) : wordsOrSize;
  }

  static wordsFor(bitCount: number): number {
    return Math.max(1, Math.ceil(bitCount / 32));
  }

  has(bit: number): boolean {
    return ((this.words[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  set(bit: number): this {
    this.words[bit >>> 5]! |= 1 << (bit & 31);
    return this;
  }

  clear(bit: number): this {
    this.words[bit >>> 5]! &= ~(1 << (bit & 31));
    return this;
  }

  or(other: PermissionBits): this {
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= other.words[i] ?? 0;
    return this;
  }

  andNot(other: PermissionBits): this {
    for (let i = 0; i < this.words.length; i++) this.words[i]! &= ~(other.words[i] ?? 0);
    return this;
  }

  /** Every bit of `other` is also in this set. */
  covers(other: PermissionBits): boolean {
    for (let i = 0; i < other.words.length; i++) {
      const o = other.words[i]!;
      if (((this.words[i] ?? 0) & o) >>> 0 !== o) return false;
    }
    return true;
  }

  clone(): PermissionBits {
    return new PermissionBits(this.words.slice());
  }

  *bits(): Generator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w]!;
      while (word !== 0) {
        const low = word & -word;
        yield w * 32 + (31 - Math.clz32(low));
        word ^= low;
      }
    }
  }
}
