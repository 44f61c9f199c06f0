namespace MLNet.Autoencoders.Samples;

/// <summary>The options every sample takes: --data DIR, --epochs N, --batch-size N, --rows N, --output DIR.</summary>
internal sealed class SampleArguments
{
    private readonly string[] args;

    public SampleArguments(string[] args, string sampleFolder, int defaultEpochs = 40, int defaultBatchSize = 64)
    {
        this.args = args;
        DataDirectory = Get("--data");
        Epochs = int.Parse(Get("--epochs") ?? defaultEpochs.ToString());
        BatchSize = int.Parse(Get("--batch-size") ?? defaultBatchSize.ToString());
        Rows = Get("--rows") is string rows ? int.Parse(rows) : null;
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

    /// <summary>The value after <paramref name="name"/>, or null.</summary>
    public string? Get(string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
