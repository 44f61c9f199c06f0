using System.IO.Compression;

namespace MLNet.Autoencoders.Tests.Support;

/// <summary>One entry of a zip, read whole.</summary>
public sealed record ZipEntry(string Name, byte[] Data);

/// <summary>Reads a zip into its entries and writes entries back into a valid zip (fresh CRC-32s), for damage tests.</summary>
public static class ZipEntries
{
    public static List<ZipEntry> Read(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            return new ZipEntry(e.FullName, copy.ToArray());
        }).ToList();
    }

    public static byte[] Write(IEnumerable<ZipEntry> entries)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var entry in entries)
            {
                using var s = archive.CreateEntry(entry.Name, CompressionLevel.Fastest).Open();
                s.Write(entry.Data);
            }
        return stream.ToArray();
    }

    /// <summary>A copy with one to four bytes at or after <paramref name="start"/> changed.</summary>
    public static byte[] Flip(byte[] bytes, Random random, int start = 0)
    {
        var copy = (byte[])bytes.Clone();
        if (copy.Length <= start) return copy;
        int flips = 1 + random.Next(4);
        for (int k = 0; k < flips; k++)
            copy[start + random.Next(copy.Length - start)] ^= (byte)(1 + random.Next(255));
        return copy;
    }
}
