using System.Buffers.Binary;
using System.IO.Compression;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Tests.Data;

/// <summary>Builds IDX content for the data tests, from scratch or from the embedded Fashion-MNIST files.</summary>
internal static class IdxTestFiles
{
    public const string ImagesResource = "MLNet.Autoencoders.Data.FashionMnist.t10k-images-idx3-ubyte.gz";
    public const string LabelsResource = "MLNet.Autoencoders.Data.FashionMnist.t10k-labels-idx1-ubyte.gz";

    // Decompressed once: several tests write these bytes out in different shapes.
    private static readonly Lazy<byte[]> s_rawImages = new(() => Decompress(ReadResource(ImagesResource)));
    private static readonly Lazy<byte[]> s_rawLabels = new(() => Decompress(ReadResource(LabelsResource)));

    /// <summary>The embedded t10k images file, decompressed (16-byte header + 10,000 x 784 pixels).</summary>
    public static byte[] RawImages => s_rawImages.Value;

    /// <summary>The embedded t10k labels file, decompressed (8-byte header + 10,000 labels).</summary>
    public static byte[] RawLabels => s_rawLabels.Value;

    public static byte[] ReadResource(string name)
    {
        using var stream = typeof(FashionMnist).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Missing resource {name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static byte[] Header(int magic, params int[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }

    public static byte[] Idx(int magic, int[] dims, ReadOnlySpan<byte> data) => [.. Header(magic, dims), .. data];

    /// <summary>An images file with the first <paramref name="count"/> embedded images.</summary>
    public static byte[] Images(int count) =>
        Idx(IdxReader.ImagesMagic, [count, 28, 28], RawImages.AsSpan(16, count * 784));

    /// <summary>A labels file with the first <paramref name="count"/> embedded labels.</summary>
    public static byte[] Labels(int count) =>
        Idx(IdxReader.LabelsMagic, [count], RawLabels.AsSpan(8, count));

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(raw);
        return output.ToArray();
    }

    public static byte[] Decompress(byte[] gz)
    {
        using var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}

/// <summary>A unique temporary folder, deleted with its contents on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() =>
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnet-ae-data-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Path { get; }

    public string Write(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Wraps a stream so it reports that it cannot seek, like a network or pipe stream.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
