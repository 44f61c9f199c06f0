using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace MLNet.Autoencoders.Data;

/// <summary>
/// Reads files in the IDX format used by MNIST and Fashion-MNIST: a big-endian header (magic number, then
/// one 32-bit size per dimension) followed by the data, row-major. Files may be gzip-compressed or raw;
/// compression is detected from the content (the gzip magic bytes 0x1f 0x8b), never from the file name.
/// </summary>
/// <remarks>
/// Only unsigned-byte data (type 0x08) is supported, which is what MNIST-style image and label files use.
/// The header is validated before any large allocation, and data is read in growing chunks when its length
/// cannot be known up front (gzip or non-seekable streams), so a damaged or hostile file that declares
/// billions of items but holds only a few bytes fails quickly without reserving gigabytes of memory.
/// Errors in the content are reported as <see cref="InvalidDataException"/> whose message names the file.
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned-byte images (type 0x08, 3 dimensions): 0x00000803.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned-byte labels (type 0x08, 1 dimension): 0x00000801.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>
    /// Largest data section accepted, in bytes: the largest <see cref="byte"/> array .NET can allocate
    /// (<see cref="Array.MaxLength"/>, just under 2^31 - 1), since the data is returned as one contiguous array.
    /// </summary>
    public const int MaxDataBytes = 0x7FFFFFC7;

    private const byte UnsignedByteType = 0x08;

    // First buffer size when the data length cannot be checked against the stream length; the buffer then
    // doubles as data actually arrives, so memory follows the real content rather than the declared size.
    private const int InitialChunkBytes = 1 << 20;

    /// <summary>Reads an IDX images file (magic 0x00000803: count x rows x columns unsigned bytes).</summary>
    /// <param name="path">Path of the file, gzip-compressed or raw.</param>
    /// <param name="maxCount">If set, reads only the first <paramref name="maxCount"/> images (the header is still
    /// fully validated); if the file holds fewer, all of them are read.</param>
    /// <returns>The images, with their pixels in one contiguous row-major array.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid IDX images file; the message says why.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is zero or negative.</exception>
    public static IdxImages ReadImages(string path, int? maxCount = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenFile(path);
        return ReadImagesCore(stream, path, maxCount, onHeader: null);
    }

    /// <summary>Reads an IDX images stream (magic 0x00000803: count x rows x columns unsigned bytes).</summary>
    /// <param name="stream">Readable stream positioned at the start of the IDX content, gzip-compressed or raw. It
    /// must hold exactly one IDX file (trailing data is reported as an error). It is not disposed.</param>
    /// <param name="sourceName">Name used in error messages (for example the file or resource name).</param>
    /// <param name="maxCount">If set, reads only the first <paramref name="maxCount"/> images.</param>
    /// <returns>The images, with their pixels in one contiguous row-major array.</returns>
    /// <exception cref="InvalidDataException">The content is not a valid IDX images file; the message says why.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is zero or negative.</exception>
    public static IdxImages ReadImages(Stream stream, string? sourceName = null, int? maxCount = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadImagesCore(stream, sourceName ?? "<stream>", maxCount, onHeader: null);
    }

    /// <summary>Reads an IDX labels file (magic 0x00000801: one unsigned byte per item).</summary>
    /// <param name="path">Path of the file, gzip-compressed or raw.</param>
    /// <param name="maxCount">If set, reads only the first <paramref name="maxCount"/> labels.</param>
    /// <returns>The labels, one byte per item.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid IDX labels file; the message says why.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is zero or negative.</exception>
    public static byte[] ReadLabels(string path, int? maxCount = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenFile(path);
        return ReadLabelsCore(stream, path, maxCount, out _);
    }

    /// <summary>Reads an IDX labels stream (magic 0x00000801: one unsigned byte per item).</summary>
    /// <param name="stream">Readable stream positioned at the start of the IDX content, gzip-compressed or raw. It
    /// must hold exactly one IDX file (trailing data is reported as an error). It is not disposed.</param>
    /// <param name="sourceName">Name used in error messages (for example the file or resource name).</param>
    /// <param name="maxCount">If set, reads only the first <paramref name="maxCount"/> labels.</param>
    /// <returns>The labels, one byte per item.</returns>
    /// <exception cref="InvalidDataException">The content is not a valid IDX labels file; the message says why.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is zero or negative.</exception>
    public static byte[] ReadLabels(Stream stream, string? sourceName = null, int? maxCount = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadLabelsCore(stream, sourceName ?? "<stream>", maxCount, out _);
    }

    /// <summary>Reads images; <paramref name="onHeader"/> sees the validated dimensions before the data is read,
    /// so callers can reject a file (for example a count mismatch) without reading it.</summary>
    internal static IdxImages ReadImagesCore(Stream stream, string name, int? maxCount, Action<int[]>? onHeader)
    {
        var (dims, data, count) = Read(stream, name, ImagesMagic, "images", maxCount, onHeader);
        return new IdxImages(count, dims[1], dims[2], data);
    }

    /// <summary>Reads labels and also returns the count declared in the header, which differs from the
    /// returned length when <paramref name="maxCount"/> cuts the read short.</summary>
    internal static byte[] ReadLabelsCore(Stream stream, string name, int? maxCount, out int declaredCount)
    {
        var (dims, data, _) = Read(stream, name, LabelsMagic, "labels", maxCount, onHeader: null);
        declaredCount = dims[0];
        return data;
    }

    internal static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);

    private static (int[] Dims, byte[] Data, int Count) Read(
        Stream stream, string name, int expectedMagic, string kind, int? maxCount, Action<int[]>? onHeader)
    {
        if (!stream.CanRead)
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        if (maxCount is <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "maxCount must be positive when given.");

        // The first two bytes tell gzip (0x1f 0x8b) from raw IDX (whose magic number starts with 0x00 0x00).
        var prefix = new byte[2];
        int got = ReadAtLeast(stream, name, prefix);
        if (got < prefix.Length)
            throw Invalid(name, got == 0
                ? "the file is empty."
                : $"the file is truncated: expected a 4-byte magic number, found {got} byte(s).");

        bool gzip = prefix[0] == 0x1f && prefix[1] == 0x8b;
        GZipStream? gzipStream = null;
        try
        {
            Stream source;
            var magicBytes = new byte[4];
            if (gzip)
            {
                // The sniffed bytes are replayed so that non-seekable streams need not be rewound.
                gzipStream = new GZipStream(new PrefixedStream(prefix, stream), CompressionMode.Decompress, leaveOpen: true);
                source = gzipStream;
                got = ReadAtLeast(source, name, magicBytes);
            }
            else
            {
                source = stream;
                magicBytes[0] = prefix[0];
                magicBytes[1] = prefix[1];
                got = 2 + ReadAtLeast(source, name, magicBytes.AsSpan(2));
            }
            if (got < magicBytes.Length)
                throw Invalid(name, $"the file is truncated: expected a 4-byte magic number, found {got} byte(s).");

            int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
            int expectedDimensions = expectedMagic & 0xFF;
            ValidateMagic(name, magic, expectedMagic, kind);

            var dimBytes = new byte[4 * expectedDimensions];
            got = ReadAtLeast(source, name, dimBytes);
            if (got < dimBytes.Length)
                throw Invalid(name, $"the header is truncated: expected {dimBytes.Length} bytes of dimension sizes " +
                                    $"after the magic number, found {got}.");

            var dims = new int[expectedDimensions];
            Int128 total = 1;
            for (int i = 0; i < dims.Length; i++)
            {
                dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
                if (dims[i] <= 0)
                    throw Invalid(name, $"the header declares size {N(dims[i])} for dimension {i} " +
                                        $"({DimensionName(kind, i)}); every size must be positive.");
                // Int128 cannot overflow here: three 31-bit factors need at most 93 bits.
                total *= dims[i];
            }
            if (total > MaxDataBytes)
                throw Invalid(name, $"the header declares {Describe(kind, dims)} ({N(total)} bytes of data), more than the " +
                                    $"{N(MaxDataBytes)}-byte limit of a single array; the sizes are corrupt or too large.");

            onHeader?.Invoke(dims);

            int headerBytes = 4 + dimBytes.Length;
            int declaredBytes = (int)total;
            int itemBytes = declaredBytes / dims[0];
            int count = maxCount is int m && m < dims[0] ? m : dims[0];
            int wantedBytes = count * itemBytes;

            byte[] data;
            if (!gzip && stream.CanSeek)
            {
                // A raw seekable file's length is known, so any disagreement with the header is caught before
                // allocating anything sized by the header.
                long remaining = stream.Length - stream.Position;
                if (remaining < declaredBytes)
                    throw Invalid(name, $"the file is truncated: the header declares {Describe(kind, dims)} (" +
                                        $"{N(declaredBytes)} bytes of data after the {headerBytes}-byte header), but only " +
                                        $"{N(remaining)} bytes were found (the declared size does not match the file length).");
                if (remaining > declaredBytes)
                    throw Invalid(name, $"the declared size does not match the file length: the header declares " +
                                        $"{Describe(kind, dims)} ({N(declaredBytes)} bytes of data after the {headerBytes}-byte " +
                                        $"header), but {N(remaining)} bytes follow it ({N(remaining - declaredBytes)} extra).");
                data = new byte[wantedBytes];
                int read = ReadAtLeast(stream, name, data);
                if (read < wantedBytes)
                    throw Truncated(name, kind, dims, count, headerBytes, wantedBytes, read);
            }
            else
            {
                data = ReadGrowing(source, name, kind, dims, count, headerBytes, wantedBytes);
                if (wantedBytes == declaredBytes)
                {
                    // Extra content means the header's sizes are wrong; one byte is enough to tell.
                    Span<byte> probe = stackalloc byte[1];
                    if (ReadAtLeast(source, name, probe) != 0)
                        throw Invalid(name, $"the declared size does not match the data length: the header declares " +
                                            $"{Describe(kind, dims)} ({N(declaredBytes)} bytes of data), but more data follows.");
                }
            }
            return (dims, data, count);
        }
        finally
        {
            gzipStream?.Dispose();
        }
    }

    private static void ValidateMagic(string name, int magic, int expectedMagic, string kind)
    {
        if (magic == expectedMagic)
            return;
        string expected = $"expected 0x{expectedMagic:X8} (IDX {kind}: unsigned bytes, {expectedMagic & 0xFF} dimension(s))";
        if ((magic & unchecked((int)0xFFFF0000)) != 0)
            throw Invalid(name, $"wrong magic number 0x{magic:X8}, {expected}. This is not an IDX file " +
                                "(or it is compressed with something other than gzip).");

        int type = (magic >> 8) & 0xFF;
        if (type != UnsignedByteType)
            throw Invalid(name, $"wrong data type 0x{type:X2} ({TypeName(type)}) in magic number 0x{magic:X8}; only " +
                                $"0x08 (unsigned byte) is supported, {expected}.");

        int dimensions = magic & 0xFF;
        string hint = magic == LabelsMagic ? " It looks like an IDX labels file."
            : magic == ImagesMagic ? " It looks like an IDX images file."
            : "";
        throw Invalid(name, $"wrong number of dimensions: magic number 0x{magic:X8} declares {dimensions}, " +
                            $"{expected}.{hint}");
    }

    private static byte[] ReadGrowing(
        Stream source, string name, string kind, int[] dims, int count, int headerBytes, int wantedBytes)
    {
        var buffer = new byte[Math.Min(wantedBytes, InitialChunkBytes)];
        int filled = 0;
        while (filled < wantedBytes)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(wantedBytes, 2L * buffer.Length));
            int n = ReadSome(source, name, buffer.AsSpan(filled));
            if (n == 0)
                throw Truncated(name, kind, dims, count, headerBytes, wantedBytes, filled);
            filled += n;
        }
        return buffer;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int ReadAtLeast(Stream stream, string name, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = ReadSome(stream, name, buffer[total..]);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static int ReadSome(Stream stream, string name, Span<byte> buffer)
    {
        try
        {
            return stream.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            // Only decompression throws this from Read; add the file name the framework's message lacks.
            throw Invalid(name, $"the gzip data is corrupt: {e.Message}", e);
        }
    }

    private static InvalidDataException Truncated(
        string name, string kind, int[] dims, int count, int headerBytes, int expected, int found)
    {
        // With maxCount only the first items are read, so say how many bytes those need.
        string need = count == dims[0]
            ? $"so {N(expected)} bytes of data were expected"
            : $"and the first {Items(kind, count)} need {N(expected)} bytes of data";
        return Invalid(name, $"the file is truncated: the header declares {Describe(kind, dims)}, {need} after the " +
                             $"{headerBytes}-byte header, but only {N(found)} bytes were found.");
    }

    private static InvalidDataException Invalid(string name, string problem, Exception? inner = null) =>
        new($"Invalid IDX file '{name}': {problem}", inner);

    private static string Describe(string kind, int[] dims) => Items(kind, dims[0]) +
        (dims.Length == 3 ? $" of {N(dims[1])} x {N(dims[2])} pixels" : "");

    private static string Items(string kind, int count) => $"{N(count)} {(count == 1 ? kind.TrimEnd('s') : kind)}";

    // Invariant digit grouping keeps messages readable and the same on every machine.
    private static string N(Int128 value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string DimensionName(string kind, int index) => (kind, index) switch
    {
        (_, 0) => $"number of {kind}",
        ("images", 1) => "rows",
        ("images", 2) => "columns",
        _ => "size",
    };

    private static string TypeName(int type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type",
    };

    /// <summary>Read-only stream that yields a few already-read bytes, then the rest of an inner stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _prefixPosition;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
                return 0;
            if (_prefixPosition < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _prefixPosition);
                prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
                _prefixPosition += n;
                return n;
            }
            return inner.Read(buffer);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
