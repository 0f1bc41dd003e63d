// The probe programs' headers, read back field by field.
import { expect, test } from 'vitest';
import { exitElf } from '../../../src/qemu/elf.js';

test.each([
  [1, 'amd64', 2, 1, 62],
  [2, '386', 1, 1, 3],
  [3, 'arm64', 2, 1, 183],
  [4, 'arm', 1, 1, 40],
  [5, 'ppc64le', 2, 1, 21],
  [6, 's390x', 2, 2, 22],
  [7, 'riscv64', 2, 1, 243],
  [8, 'mips64le', 2, 1, 8],
  [9, 'loong64', 2, 1, 258],
])(
  '%i: %s probe is ELF class %i, data %i, machine %i, ET_EXEC, entry inside the file',
  (_n, arch, cls, data, machine) => {
    const elf = exitElf(arch, 42);
    expect([...elf.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect([elf[4], elf[5]]).toEqual([cls, data]);
    const u16 = (at: number) => (data === 2 ? elf.readUInt16BE(at) : elf.readUInt16LE(at));
    expect(u16(16)).toBe(2);
    expect(u16(18)).toBe(machine);
    const entry =
      cls === 2
        ? Number(data === 2 ? elf.readBigUInt64BE(24) : elf.readBigUInt64LE(24))
        : elf.readUInt32LE(24);
    expect(entry - 0x400000).toBe(cls === 2 ? 120 : 84);
    expect(elf.length).toBeGreaterThan(entry - 0x400000);
  },
);

test('the status is in the code: two statuses give two programs', () => {
  expect(exitElf('arm64', 42).equals(exitElf('arm64', 7))).toBe(false);
});
