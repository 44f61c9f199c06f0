using System.Diagnostics;
using MLNet.Autoencoders.Data;
using Xunit;
using static MLNet.Autoencoders.Tests.Data.IdxTestFiles;

namespace MLNet.Autoencoders.Tests.Data;

public class IdxReaderTests
{
    private const int ImagesMagic = IdxReader.ImagesMagic;
    private const int LabelsMagic = IdxReader.LabelsMagic;

    [Fact]
    public void ReadsRawAndGzipFilesAlike()
    {
        using var dir = new TempDirectory();
        string rawImages = dir.Write("images.idx", RawImages);
        string gzImages = dir.Write("images.idx.gz", Gzip(RawImages));
        string rawLabels = dir.Write("labels.idx", RawLabels);
        string gzLabels = dir.Write("labels.idx.gz", Gzip(RawLabels));

        var raw = IdxReader.ReadImages(rawImages);
        var gz = IdxReader.ReadImages(gzImages);
        Assert.Equal((10000, 28, 28, 784), (raw.Count, raw.Rows, raw.Columns, raw.PixelsPerImage));
        Assert.Equal(10000 * 784, raw.Pixels.Length);
        Assert.Equal(RawImages.AsSpan(16).ToArray(), raw.Pixels);
        Assert.Equal(raw.Pixels, gz.Pixels);
        Assert.Equal((gz.Count, gz.Rows, gz.Columns), (raw.Count, raw.Rows, raw.Columns));
        Assert.Equal(RawImages.AsSpan(16 + 5 * 784, 784).ToArray(), raw.GetImage(5).ToArray());

        var labelsRaw = IdxReader.ReadLabels(rawLabels);
        Assert.Equal(RawLabels.AsSpan(8).ToArray(), labelsRaw);
        Assert.Equal(labelsRaw, IdxReader.ReadLabels(gzLabels));
    }

    [Fact]
    public void DetectsGzipByContentNotByName()
    {
        using var dir = new TempDirectory();
        string gzipNamedRaw = dir.Write("labels-idx1-ubyte", Gzip(RawLabels));
        string rawNamedGzip = dir.Write("labels-idx1-ubyte.gz", RawLabels);
        Assert.Equal(10000, IdxReader.ReadLabels(gzipNamedRaw).Length);
        Assert.Equal(10000, IdxReader.ReadLabels(rawNamedGzip).Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsNonSeekableStreams(bool gzip)
    {
        byte[] images = Images(50), labels = Labels(50);
        using var imageStream = new NonSeekableStream(new MemoryStream(gzip ? Gzip(images) : images));
        using var labelStream = new NonSeekableStream(new MemoryStream(gzip ? Gzip(labels) : labels));

        var read = IdxReader.ReadImages(imageStream, "images");
        Assert.Equal(50, read.Count);
        Assert.Equal(images.AsSpan(16).ToArray(), read.Pixels);
        Assert.Equal(labels.AsSpan(8).ToArray(), IdxReader.ReadLabels(labelStream, "labels"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MaxCountReadsOnlyTheFirstItems(bool gzip)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("images", gzip ? Gzip(Images(100)) : Images(100));

        var first = IdxReader.ReadImages(path, maxCount: 7);
        Assert.Equal(7, first.Count);
        Assert.Equal(RawImages.AsSpan(16, 7 * 784).ToArray(), first.Pixels);
        Assert.Equal(100, IdxReader.ReadImages(path, maxCount: 1000).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => IdxReader.ReadImages(path, maxCount: 0));
    }

    [Fact]
    public void WrongMagicNumberIsReported()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("bad", Idx(0x12345678, [1, 28, 28], new byte[784]));

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("wrong magic number", e.Message);
        Assert.Contains("0x12345678", e.Message);
        Assert.Contains("0x00000803", e.Message);

        e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("0x00000801", e.Message);
    }

    [Fact]
    public void WrongDataTypeIsReported()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("floats", Idx(0x00000D03, [1, 2, 2], new byte[16]));

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("wrong data type 0x0D", e.Message);
        Assert.Contains("32-bit float", e.Message);
        Assert.Contains("0x08 (unsigned byte)", e.Message);
    }

    [Fact]
    public void WrongNumberOfDimensionsIsReported()
    {
        using var dir = new TempDirectory();
        string labels = dir.Write("labels", Labels(10));
        string twoDims = dir.Write("two-dims", Idx(0x00000802, [1, 784], new byte[784]));

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(labels));
        Assert.Contains(labels, e.Message);
        Assert.Contains("wrong number of dimensions", e.Message);
        Assert.Contains("labels file", e.Message);

        e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(twoDims));
        Assert.Contains("wrong number of dimensions", e.Message);
        Assert.Contains("declares 2", e.Message);
    }

    [Theory]
    [InlineData(0, 28, 28, "dimension 0 (number of images)")]
    [InlineData(-5, 28, 28, "size -5 for dimension 0")]
    [InlineData(3, 0, 28, "dimension 1 (rows)")]
    [InlineData(3, 28, int.MinValue, "dimension 2 (columns)")]
    public void NonPositiveSizesAreReported(int count, int rows, int columns, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("sizes", Idx(ImagesMagic, [count, rows, columns], new byte[100]));

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("must be positive", e.Message);
    }

    [Theory]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue)] // the product needs 93 bits
    [InlineData(100_000_000, 28, 28)]                       // 78 GB: fits in a long but not in an array
    public void OversizedDeclarationsAreRejectedBeforeAllocating(int count, int rows, int columns)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("huge", Idx(ImagesMagic, [count, rows, columns], new byte[784]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Contains(path, e.Message);
        Assert.Contains("limit of a single array", e.Message);
    }

    [Theory]
    [InlineData(0, "the file is empty")]
    [InlineData(3, "expected a 4-byte magic number, found 3")]
    [InlineData(10, "expected 12 bytes of dimension sizes after the magic number, found 6")]
    public void TruncatedHeadersAreReported(int length, string expected)
    {
        using var dir = new TempDirectory();
        string raw = dir.Write("short", Images(1)[..length]);
        // GZipStream writes nothing at all for empty input, so the empty case is an empty file both ways.
        string gz = dir.Write("short.gz", Gzip(Images(1)[..length]));

        foreach (string path in new[] { raw, gz })
        {
            var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(expected, e.Message);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDataIsReportedWithExpectedAndFoundSizes(bool gzip)
    {
        using var dir = new TempDirectory();
        // Ten images declared, five present.
        byte[] content = Images(10)[..(16 + 5 * 784)];
        string path = dir.Write("truncated", gzip ? Gzip(content) : content);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("10 images of 28 x 28 pixels", e.Message);
        Assert.Contains("7,840 bytes", e.Message);
        Assert.Contains("only 3,920 bytes were found", e.Message);

        if (gzip)
        {
            // Reading only the first images still notices they are not all there.
            e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path, maxCount: 8));
            Assert.Contains("the first 8 images need 6,272 bytes", e.Message);
            Assert.Contains("only 3,920 bytes were found", e.Message);
        }
    }

    [Fact]
    public void TruncatedLabelsAreReported()
    {
        using var stream = new NonSeekableStream(new MemoryStream(Labels(100)[..50]));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(stream, "labels.bin"));
        Assert.Contains("'labels.bin'", e.Message);
        Assert.Contains("declares 100 labels, so 100 bytes of data were expected", e.Message);
        Assert.Contains("only 42 bytes were found", e.Message);
    }

    [Fact]
    public void RawFileLongerThanDeclaredIsReported()
    {
        using var dir = new TempDirectory();
        // Header says 10 images of 28 x 28, but the file holds 20 (as if the count were wrong).
        byte[] content = Idx(ImagesMagic, [10, 28, 28], RawImages.AsSpan(16, 20 * 784));
        string path = dir.Write("long", content);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("does not match the file length", e.Message);
        Assert.Contains("7,840 bytes", e.Message);
        Assert.Contains("15,680 bytes follow it", e.Message);
    }

    [Fact]
    public void RawFileWithWrongDimensionsIsReported()
    {
        using var dir = new TempDirectory();
        // 10 images of 28 x 28 relabelled as 10 images of 32 x 32: short of 2,400 bytes.
        byte[] content = Idx(ImagesMagic, [10, 32, 32], RawImages.AsSpan(16, 10 * 784));
        string path = dir.Write("dims", content);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains("does not match the file length", e.Message);
        Assert.Contains("10 images of 32 x 32 pixels", e.Message);
        Assert.Contains("10,240", e.Message);
        Assert.Contains("7,840", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DataBeyondTheDeclaredSizeInAStreamIsReported(bool gzip)
    {
        byte[] content = [.. Labels(10), 1, 2, 3];
        using var stream = new NonSeekableStream(new MemoryStream(gzip ? Gzip(content) : content));

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(stream, "extra"));
        Assert.Contains("'extra'", e.Message);
        Assert.Contains("does not match the data length", e.Message);
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("gzip")]
    [InlineData("stream")]
    [InlineData("gzip-stream")]
    public void HugeDeclaredSizesWithShortContentFailFastWithoutAllocatingGigabytes(string kind)
    {
        // 2,000,000 images of 28 x 28 declare 1.5 GB, under the array limit, yet only 100 images follow; and
        // two billion labels declare 2 GB.
        byte[] images = Idx(ImagesMagic, [2_000_000, 28, 28], RawImages.AsSpan(16, 100 * 784));
        byte[] labels = Idx(LabelsMagic, [2_000_000_000], RawLabels.AsSpan(8, 100));
        using var dir = new TempDirectory();

        foreach (var (content, isImages) in new[] { (images, true), (labels, false) })
        {
            bool gzip = kind.StartsWith("gzip");
            byte[] bytes = gzip ? Gzip(content) : content;
            string path = dir.Write(isImages ? "images" : "labels", bytes);
            Func<Stream> open = kind.EndsWith("stream")
                ? () => new NonSeekableStream(new MemoryStream(bytes))
                : () => File.OpenRead(path);

            var watch = Stopwatch.StartNew();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<InvalidDataException>(() =>
            {
                using var stream = open();
                if (isImages) IdxReader.ReadImages(stream, path);
                else IdxReader.ReadLabels(stream, path);
            });
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.True(allocated < 100_000_000, $"{kind}: allocated {allocated:N0} bytes");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{kind}: took {watch.Elapsed}");
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated", e.Message);
            Assert.Contains(isImages ? "1,568,000,000 bytes" : "2,000,000,000 bytes", e.Message);
        }
    }

    [Fact]
    public void CorruptGzipIsReportedWithTheFileName()
    {
        using var dir = new TempDirectory();
        byte[] gz = Gzip(Images(20));
        // Keep the gzip header, scramble the deflate data.
        for (int i = 10; i < gz.Length; i++)
            gz[i] ^= 0x5A;
        string path = dir.Write("corrupt.gz", gz);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CutOffGzipIsReported()
    {
        using var dir = new TempDirectory();
        byte[] gz = Gzip(Images(20));
        string path = dir.Write("cut.gz", gz[..(gz.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void IdxImagesValidatesItsArguments()
    {
        Assert.Throws<ArgumentException>(() => new IdxImages(2, 2, 2, new byte[7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdxImages(0, 2, 2, []));
        var images = new IdxImages(2, 2, 3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        Assert.Equal(new byte[] { 6, 7, 8, 9, 10, 11 }, images.GetImage(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => images.GetImage(2));
    }
}
