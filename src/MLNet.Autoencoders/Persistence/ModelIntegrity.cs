using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using MLNet.Autoencoders.Onnx;

namespace MLNet.Autoencoders.Persistence;

/// <summary>
/// Integrity checks of a model zip, shared by the typed loaders and <c>mlContext.Model.VerifyAutoencoderModel</c>:
/// every entry's CRC-32 against the zip's own record (.NET's zip reader does not check it, nor does ML.NET), and, when
/// the zip was saved with <c>SaveWithManifest</c>, every entry's SHA-256 against the manifest. Also writes that manifest.
/// </summary>
internal static class ModelIntegrity
{
    /// <summary>The manifest's entry: JSON of <see cref="Manifest"/>, written last.</summary>
    public const string ManifestEntryName = "MLNetAutoencoders/Manifest.json";

    private const int ChunkBytes = 81920;

    /// <summary>What a manifest says: the writer, the model format and the SHA-256 (hex) of every other entry.</summary>
    internal sealed record Manifest(string Library, string LibraryVersion, int FormatVersion, Dictionary<string, string> Entries);

    /// <summary>Reads every entry once and checks its CRC-32 and, if a manifest is present, its SHA-256; throws
    /// <see cref="InvalidDataException"/> naming the first damaged entry. Returns how many entries were checked and
    /// whether a manifest covered them.</summary>
    public static (int Entries, bool HasManifest) CheckEntries(ZipArchive zip)
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!digests.TryAdd(entry.FullName, Hash(entry)))
                throw new InvalidDataException($"The model zip has two entries named '{entry.FullName}'.");
        }
        if (!digests.ContainsKey(ManifestEntryName)) return (digests.Count, false);

        var manifest = ReadManifest(zip.GetEntry(ManifestEntryName)!);
        foreach (var (name, expected) in manifest.Entries)
        {
            if (!digests.TryGetValue(name, out var actual))
                throw new InvalidDataException($"Entry '{name}' is listed in the model's manifest but missing from the zip.");
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"Entry '{name}' is damaged: its SHA-256 does not match the model's manifest.");
        }
        foreach (var name in digests.Keys.Where(n => n != ManifestEntryName && !manifest.Entries.ContainsKey(n)))
            throw new InvalidDataException($"Entry '{name}' is not listed in the model's manifest: the zip was changed after it was saved.");
        return (digests.Count, true);
    }

    /// <summary>Copies the zip <paramref name="saved"/> (as ML.NET wrote it) to <paramref name="destination"/> with a manifest entry added.</summary>
    public static void WriteWithManifest(byte[] saved, Stream destination)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (var source = new ZipArchive(new MemoryStream(saved), ZipArchiveMode.Read))
            foreach (var entry in source.Entries)
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                entries.Add((entry.FullName, copy.ToArray()));
            }
        WriteWithManifest(entries, destination);
    }

    /// <summary>Writes a zip of <paramref name="entries"/> followed by a manifest of their SHA-256.</summary>
    public static void WriteWithManifest(IReadOnlyList<(string Name, byte[] Data)> entries, Stream destination)
    {
        var manifest = new Manifest(AutoencoderOnnxFormat.ProducerName, AutoencoderOnnxFormat.ProducerVersion, AutoencoderOnnxFormat.FormatVersion,
            entries.ToDictionary(e => e.Name, e => Convert.ToHexStringLower(SHA256.HashData(e.Data)), StringComparer.Ordinal));
        var manifestEntry = (ManifestEntryName, JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true }));
        using var archive = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, data) in entries.Append(manifestEntry))
        {
            using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
            stream.Write(data);
        }
    }

    private static Manifest ReadManifest(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        try
        {
            var manifest = JsonSerializer.Deserialize<Manifest>(stream);
            if (manifest?.Entries is null || manifest.Library != AutoencoderOnnxFormat.ProducerName)
                throw new InvalidDataException("The model's manifest is damaged: it lacks its writer or its entries.");
            if (manifest.FormatVersion > AutoencoderOnnxFormat.FormatVersion)
                throw new InvalidDataException($"The model's manifest has format version {manifest.FormatVersion}; this version of {AutoencoderOnnxFormat.ProducerName} reads up to {AutoencoderOnnxFormat.FormatVersion}. Update the library.");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The model's manifest is damaged: it is not valid JSON.", e);
        }
    }

    /// <summary>Reads the entry in chunks (no allocation from what its header claims), checks its length and CRC-32, and
    /// returns its SHA-256 in hex.</summary>
    private static string Hash(ZipArchiveEntry entry)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        uint crc = Crc32.Initial;
        long length = 0;
        var chunk = new byte[ChunkBytes];
        try
        {
            using var stream = entry.Open();
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                length += read;
                if (length > entry.Length)
                    throw new InvalidDataException($"Entry '{entry.FullName}' is damaged: it holds more than the {entry.Length} bytes its header declares.");
                crc = Crc32.Append(crc, chunk.AsSpan(0, read));
                sha.AppendData(chunk, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or NotSupportedException)
        {
            throw new InvalidDataException($"Entry '{entry.FullName}' is damaged: {e.Message}", e);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("Entry '", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Entry '{entry.FullName}' is damaged: {e.Message}", e);
        }
        if (length != entry.Length)
            throw new InvalidDataException($"Entry '{entry.FullName}' is damaged: it holds {length} bytes, but its header declares {entry.Length}.");
        uint computed = Crc32.Finish(crc);
        if (computed != entry.Crc32)
            throw new InvalidDataException($"Entry '{entry.FullName}' is damaged: its CRC-32 is {computed:X8}, but the zip records {entry.Crc32:X8}.");
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
