using Microsoft.ML;

namespace MLNet.Autoencoders.Data;

/// <summary>
/// Loads Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017; Copyright (c) 2017 Zalando SE, MIT licence): 28 x 28
/// greyscale images of clothing in 10 classes. The 10,000-image test set is embedded in this assembly; the
/// 60,000-image training set, or any MNIST-style IDX pair, can be loaded from files.
/// </summary>
/// <remarks>
/// Data views have two columns: <see cref="LabelColumnName"/> (<see cref="float"/>, the class, 0 to 9) and
/// <see cref="FeaturesColumnName"/> (known-size vector of <see cref="FeatureCount"/> <see cref="float"/> values,
/// pixel / 255 so in [0, 1], row-major). Rows keep the files' order; <c>maxRows</c> takes the first rows.
/// </remarks>
public static class FashionMnist
{
    /// <summary>Width and height of every image, in pixels.</summary>
    public const int ImageSide = 28;

    /// <summary>Features per image, <see cref="ImageSide"/> * <see cref="ImageSide"/>.</summary>
    public const int FeatureCount = ImageSide * ImageSide;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Name of the label column of the loaded data views.</summary>
    public const string LabelColumnName = "Label";

    /// <summary>Name of the features column of the loaded data views.</summary>
    public const string FeaturesColumnName = "Features";

    /// <summary>Where Debian's package <c>dataset-fashion-mnist</c> installs the four IDX files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Name of the Debian/Ubuntu package that installs the files into <see cref="DebianDirectory"/>.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    // Logical names are fixed in the csproj so they do not depend on folder layout or root namespace.
    internal const string EmbeddedImagesResource = "MLNet.Autoencoders.Data.FashionMnist.t10k-images-idx3-ubyte.gz";
    internal const string EmbeddedLabelsResource = "MLNet.Autoencoders.Data.FashionMnist.t10k-labels-idx1-ubyte.gz";

    private static readonly string[] s_classNames =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    // Exact pixel / 255f for every byte value, so conversion is a table look-up instead of a division.
    private static readonly float[] s_pixelToFeature = CreatePixelTable();

    /// <summary>
    /// The names of the 10 classes, indexed by label: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt,
    /// Sneaker, Bag, Ankle boot. Each call returns a new copy, so callers cannot alter the shared names.
    /// </summary>
    public static string[] ClassNames => (string[])s_classNames.Clone();

    /// <summary>Loads the embedded Fashion-MNIST test set (10,000 images, 1,000 per class) as a data view.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="maxRows">If set, only the first <paramref name="maxRows"/> rows; must be positive.</param>
    /// <returns>A data view with columns <c>Label</c> and <c>Features</c> (see <see cref="FashionMnist"/>).</returns>
    public static IDataView LoadEmbedded(MLContext mlContext, int? maxRows = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ToDataView(mlContext, LoadEmbeddedArrays(maxRows));
    }

    /// <summary>Loads an IDX images file and an IDX labels file (gzip or raw) as a data view.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="imagesPath">IDX images file (magic 0x00000803) of 28 x 28 images.</param>
    /// <param name="labelsPath">IDX labels file (magic 0x00000801) with one label per image.</param>
    /// <param name="maxRows">If set, only the first <paramref name="maxRows"/> rows; must be positive.</param>
    /// <returns>A data view with columns <c>Label</c> and <c>Features</c> (see <see cref="FashionMnist"/>).</returns>
    /// <exception cref="InvalidDataException">A file is invalid, the images are not 28 x 28, or the files declare
    /// different numbers of images and labels.</exception>
    public static IDataView Load(MLContext mlContext, string imagesPath, string labelsPath, int? maxRows = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ToDataView(mlContext, LoadArrays(imagesPath, labelsPath, maxRows));
    }

    /// <summary>
    /// Loads the training or test set from a folder holding the standard file names
    /// (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
    /// <c>t10k-labels-idx1-ubyte</c>, each raw or with <c>.gz</c>), such as <see cref="DebianDirectory"/>.
    /// </summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="directory">The folder, for example <see cref="DebianDirectory"/>.</param>
    /// <param name="train"><see langword="true"/> for the training files (<c>train-*</c>), <see langword="false"/>
    /// for the test files (<c>t10k-*</c>).</param>
    /// <param name="maxRows">If set, only the first <paramref name="maxRows"/> rows; must be positive.</param>
    /// <returns>A data view with columns <c>Label</c> and <c>Features</c> (see <see cref="FashionMnist"/>).</returns>
    /// <exception cref="FileNotFoundException">The folder or one of the two files is missing; the message names
    /// them and how to install them.</exception>
    public static IDataView LoadDirectory(MLContext mlContext, string directory, bool train, int? maxRows = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ToDataView(mlContext, LoadDirectoryArrays(directory, train, maxRows));
    }

    /// <summary>Loads the embedded Fashion-MNIST test set (10,000 images, 1,000 per class) as arrays.</summary>
    /// <param name="maxRows">If set, only the first <paramref name="maxRows"/> samples; must be positive.</param>
    /// <returns>The samples, features in [0, 1].</returns>
    public static FashionMnistData LoadEmbeddedArrays(int? maxRows = null)
    {
        ValidateMaxRows(maxRows);
        return LoadCore(
            () => OpenEmbedded(EmbeddedImagesResource), EmbeddedImagesResource,
            () => OpenEmbedded(EmbeddedLabelsResource), EmbeddedLabelsResource,
            maxRows);
    }

    /// <summary>Loads an IDX images file and an IDX labels file (gzip or raw) as arrays.</summary>
    /// <param name="imagesPath">IDX images file (magic 0x00000803) of 28 x 28 images.</param>
    /// <param name="labelsPath">IDX labels file (magic 0x00000801) with one label per image.</param>
    /// <param name="maxRows">If set, only the first <paramref name="maxRows"/> samples; must be positive.</param>
    /// <returns>The samples, features in [0, 1].</returns>
    /// <exception cref="InvalidDataException">A file is invalid, the images are not 28 x 28, or the files declare
    /// different numbers of images and labels.</exception>
    public static FashionMnistData LoadArrays(string imagesPath, string labelsPath, int? maxRows = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ValidateMaxRows(maxRows);
        return LoadCore(() => IdxReader.OpenFile(imagesPath), imagesPath, () => IdxReader.OpenFile(labelsPath), labelsPath, maxRows);
    }

    /// <summary>Loads the training or test set from a folder holding the standard file names, as arrays.</summary>
    /// <param name="directory">The folder, for example <see cref="DebianDirectory"/>.</param>
    /// <param name="train"><see langword="true"/> for the training files, <see langword="false"/> for the test files.</param>
    /// <param name="maxRows">If set, only the first <paramref name="maxRows"/> samples; must be positive.</param>
    /// <returns>The samples, features in [0, 1].</returns>
    /// <exception cref="FileNotFoundException">The folder or one of the two files is missing; the message names
    /// them and how to install them.</exception>
    public static FashionMnistData LoadDirectoryArrays(string directory, bool train, int? maxRows = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ValidateMaxRows(maxRows);
        string prefix = train ? "train" : "t10k";
        string? images = FindFile(directory, $"{prefix}-images", "idx3-ubyte");
        string? labels = FindFile(directory, $"{prefix}-labels", "idx1-ubyte");
        if (images is null || labels is null)
        {
            var missing = new List<string>();
            if (images is null) missing.Add($"{prefix}-images-idx3-ubyte(.gz)");
            if (labels is null) missing.Add($"{prefix}-labels-idx1-ubyte(.gz)");
            string where = Directory.Exists(directory) ? $"in '{directory}'" : $"because the folder '{directory}' does not exist";
            throw new FileNotFoundException(
                $"Fashion-MNIST {(train ? "training" : "test")} files not found {where}: missing {string.Join(" and ", missing)}. " +
                $"On Debian or Ubuntu, 'sudo apt-get install {DebianPackage}' installs them into {DebianDirectory}; " +
                "they can also be downloaded from https://github.com/zalandoresearch/fashion-mnist. " +
                "The 10,000-image test set is also embedded in this library: see FashionMnist.LoadEmbedded.",
                Path.Combine(directory, images is null ? $"{prefix}-images-idx3-ubyte.gz" : $"{prefix}-labels-idx1-ubyte.gz"));
        }
        return LoadArrays(images, labels, maxRows);
    }

    /// <summary>
    /// Wraps samples as a data view with columns <c>Label</c> and <c>Features</c>, for example after editing the
    /// arrays (adding noise, selecting a class). The view reads the feature array directly, without copying it, so later
    /// changes to the features show through (the labels are copied); it knows its row count and supports shuffling.
    /// </summary>
    /// <param name="mlContext">The ML.NET context (accepted for symmetry with ML.NET loaders).</param>
    /// <param name="data">The samples.</param>
    /// <returns>A data view with columns <c>Label</c> and <c>Features</c> (see <see cref="FashionMnist"/>).</returns>
    public static IDataView ToDataView(MLContext mlContext, FashionMnistData data)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(data);
        return new MatrixDataView(data.Features, data.Count, FeatureCount, FeaturesColumnName, data.Labels.Select(l => (float)l).ToArray(), LabelColumnName);
    }

    private static FashionMnistData LoadCore(
        Func<Stream> openImages, string imagesName, Func<Stream> openLabels, string labelsName, int? maxRows)
    {
        // Labels first: they are small and give the count the images header must match, so a mismatched pair
        // fails before the images are decompressed.
        byte[] labels;
        int declaredLabels;
        using (var labelStream = openLabels())
            labels = IdxReader.ReadLabelsCore(labelStream, labelsName, maxRows, out declaredLabels);

        IdxImages images;
        using (var imageStream = openImages())
        {
            images = IdxReader.ReadImagesCore(imageStream, imagesName, maxRows, dims =>
            {
                if (dims[0] != declaredLabels)
                    throw new InvalidDataException(
                        $"Images and labels do not match: '{imagesName}' declares {dims[0]} images but '{labelsName}' " +
                        $"declares {declaredLabels} labels; they must come from the same set (train or t10k).");
                if (dims[1] != ImageSide || dims[2] != ImageSide)
                    throw new InvalidDataException(
                        $"'{imagesName}' holds {dims[1]} x {dims[2]} images; Fashion-MNIST images are " +
                        $"{ImageSide} x {ImageSide}.");
            });
        }

        var table = s_pixelToFeature;
        var pixels = images.Pixels;
        var features = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
            features[i] = table[pixels[i]];
        return new FashionMnistData(features, labels);
    }

    private static Stream OpenEmbedded(string name) =>
        typeof(FashionMnist).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(FashionMnist).Assembly.GetName().Name}.");

    /// <summary>Returns the first existing variant of a standard file name (raw preferred as it reads faster).</summary>
    private static string? FindFile(string directory, string stem, string suffix)
    {
        if (!Directory.Exists(directory))
            return null;
        // Some copies (for example MNIST mirrors) use a dot before the idx part instead of a hyphen.
        string[] candidates =
        [
            $"{stem}-{suffix}", $"{stem}-{suffix}.gz", $"{stem}.{suffix}", $"{stem}.{suffix}.gz",
        ];
        foreach (string candidate in candidates)
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    private static void ValidateMaxRows(int? maxRows)
    {
        if (maxRows is <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be positive when given.");
    }

    private static float[] CreatePixelTable()
    {
        var table = new float[256];
        for (int i = 0; i < table.Length; i++)
            table[i] = i / 255f;
        return table;
    }
}
