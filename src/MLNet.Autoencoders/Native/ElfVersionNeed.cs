using System.Buffers.Binary;
using System.Text;

namespace MLNet.Autoencoders.Native;

/// <summary>How a shared library asks for one symbol version of another library.</summary>
internal enum VersionNeedState
{
    /// <summary>The library does not ask for that version (or is not a 64-bit little-endian ELF file).</summary>
    Absent,

    /// <summary>It asks, but the need is weak: the loader accepts a library that lacks the version.</summary>
    Weak,

    /// <summary>It asks and the loader refuses to load it where the version is missing.</summary>
    Strong,
}

/// <summary>
/// Reads and weakens a symbol-version need of a 64-bit little-endian ELF shared library: the <c>Elf64_Vernaux</c>
/// entries of its <c>SHT_GNU_verneed</c> section. The same logic runs at build time as an MSBuild task in
/// <c>build/MLNet.Autoencoders.targets</c> (a task in a .targets file cannot call this assembly).
/// </summary>
internal static class ElfVersionNeed
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Whether <paramref name="elf"/> needs <paramref name="versionName"/>, and how.</summary>
    public static VersionNeedState Find(ReadOnlySpan<byte> elf, string versionName)
    {
        var state = VersionNeedState.Absent;
        foreach (int flagsOffset in FlagOffsets(elf, versionName))
        {
            bool weak = (BinaryPrimitives.ReadUInt16LittleEndian(elf[flagsOffset..]) & VerFlgWeak) != 0;
            if (!weak) return VersionNeedState.Strong;
            state = VersionNeedState.Weak;
        }
        return state;
    }

    /// <summary>Marks every need of <paramref name="versionName"/> in <paramref name="elf"/> weak, in place; returns how many changed.</summary>
    public static int Weaken(Span<byte> elf, string versionName)
    {
        int changed = 0;
        foreach (int flagsOffset in FlagOffsets(elf, versionName))
        {
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(elf[flagsOffset..]);
            if ((flags & VerFlgWeak) != 0) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(elf[flagsOffset..], (ushort)(flags | VerFlgWeak));
            changed++;
        }
        return changed;
    }

    /// <summary>File offsets of the <c>vna_flags</c> of every need entry named <paramref name="versionName"/>.
    /// Anything that does not parse as a well-formed 64-bit little-endian ELF file yields nothing.</summary>
    private static List<int> FlagOffsets(ReadOnlySpan<byte> elf, string versionName)
    {
        var offsets = new List<int>();
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            return offsets;
        try
        {
            long shoff = ReadInt64(elf, 0x28);
            int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
            int shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
            for (int i = 0; i < shnum; i++)
            {
                int sh = Checked(shoff + (long)i * shentsize, elf);
                if (BinaryPrimitives.ReadUInt32LittleEndian(elf[(sh + 4)..]) != ShtGnuVerneed) continue;
                long need = ReadInt64(elf, sh + 0x18);
                int link = BinaryPrimitives.ReadInt32LittleEndian(elf[(sh + 0x28)..]);
                int count = BinaryPrimitives.ReadInt32LittleEndian(elf[(sh + 0x2C)..]);
                long strtab = ReadInt64(elf, Checked(shoff + (long)link * shentsize + 0x18, elf));
                for (int n = 0; n < count; n++)
                {
                    int needAt = Checked(need, elf);
                    int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[(needAt + 2)..]);
                    long aux = need + BinaryPrimitives.ReadUInt32LittleEndian(elf[(needAt + 8)..]);
                    for (int a = 0; a < auxCount; a++)
                    {
                        int auxAt = Checked(aux, elf);
                        int nameAt = Checked(strtab + BinaryPrimitives.ReadUInt32LittleEndian(elf[(auxAt + 8)..]), elf, 1);
                        int end = elf[nameAt..].IndexOf((byte)0);
                        if (end >= 0 && Encoding.ASCII.GetString(elf.Slice(nameAt, end)) == versionName)
                            offsets.Add(auxAt + 4);
                        uint auxNext = BinaryPrimitives.ReadUInt32LittleEndian(elf[(auxAt + 12)..]);
                        if (auxNext == 0) break;
                        aux += auxNext;
                    }
                    uint next = BinaryPrimitives.ReadUInt32LittleEndian(elf[(needAt + 12)..]);
                    if (next == 0) break;
                    need += next;
                }
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // Offsets that point outside the file: not an ELF file this reader understands.
            offsets.Clear();
        }
        return offsets;
    }

    private static long ReadInt64(ReadOnlySpan<byte> elf, long at) => BinaryPrimitives.ReadInt64LittleEndian(elf[Checked(at, elf)..]);

    /// <summary>An offset with <paramref name="size"/> readable bytes after it (16: the largest field group read at once).</summary>
    private static int Checked(long offset, ReadOnlySpan<byte> elf, int size = 16)
        => offset >= 0 && offset + size <= elf.Length ? (int)offset : throw new ArgumentOutOfRangeException(nameof(offset));
}
