namespace MLNet.Autoencoders.Samples;

/// <summary>The options every sample takes: --data DIR, --epochs N, --batch-size N, --rows N, --output DIR.</summary>
internal sealed class SampleArguments
{
    private readonly string[] args;

    public SampleArguments(string[] args, string sampleFolder, int defaultEpochs = 40, int defaultBatchSize = 64)
    {
        this.args = args;
        DataDirectory = Get("--data");
        Epochs = Positive("--epochs") ?? defaultEpochs;
        BatchSize = Positive("--batch-size") ?? defaultBatchSize;
        Rows = Positive("--rows");
        OutputDirectory = Path.GetFullPath(Get("--output") ?? Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "output"));
        Directory.CreateDirectory(OutputDirectory);
        SampleFolder = sampleFolder;
    }

    /// <summary>A folder with the full Fashion-MNIST (IDX files), or null for the embedded 10k set.</summary>
    public string? DataDirectory { get; }
    public int Epochs { get; }
    public int BatchSize { get; }
    /// <summary>Use only the first N rows of each set (tiny mode for CI).</summary>
    public int? Rows { get; }
    public string OutputDirectory { get; }
    public string SampleFolder { get; }

    /// <summary>The positive whole number after <paramref name="name"/>, or null when the option is absent; anything else
    /// is refused with the option's name.</summary>
    public int? Positive(string name) => WholeNumber(name, 1, int.MaxValue, "a positive whole number");

    /// <summary>The whole number from <paramref name="minimum"/> to <paramref name="maximum"/> after <paramref name="name"/>,
    /// or null when the option is absent; anything else is refused with the option's name.</summary>
    public int? WholeNumber(string name, int minimum, int maximum) =>
        WholeNumber(name, minimum, maximum, $"a whole number from {minimum} to {maximum}");

    private int? WholeNumber(string name, int minimum, int maximum, string expected) => Get(name) switch
    {
        null => null,
        var text when int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)
            && value >= minimum && value <= maximum => value,
        var text => throw new ArgumentException($"{name} needs {expected}; got '{text}'."),
    };

    /// <summary>The value after <paramref name="name"/>, or null.</summary>
    public string? Get(string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
