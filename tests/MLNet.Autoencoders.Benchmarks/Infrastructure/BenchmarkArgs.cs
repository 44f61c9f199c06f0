using System.Globalization;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>The command line: <c>--name value</c> pairs and bare flags.</summary>
internal sealed class BenchmarkArgs(string[] args)
{
    public string[] Raw { get; } = args;

    public string Get(string name, string fallback)
    {
        int i = Array.IndexOf(Raw, name);
        return i >= 0 && i + 1 < Raw.Length ? Raw[i + 1] : fallback;
    }

    public string? GetOrNull(string name)
    {
        int i = Array.IndexOf(Raw, name);
        return i >= 0 && i + 1 < Raw.Length ? Raw[i + 1] : null;
    }

    public int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public int? GetIntOrNull(string name) => GetOrNull(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    public bool Has(string flag) => Raw.Contains(flag);

    public string DataDirectory => Get("--data", Data.FashionMnist.DebianDirectory);

    /// <summary>Every option some measurement reads. A misspelt or unknown one is refused rather than ignored: an ignored
    /// option silently runs a different (often hour-long) measurement and rewrites the results.</summary>
    private static readonly HashSet<string> KnownOptions =
    [
        "--autoencoder", "--balanced", "--batch-size", "--binary-file", "--budgets", "--cluster-epochs", "--copies",
        "--corruption", "--data", "--epochs", "--imbalance", "--indices", "--initialization", "--json", "--layers",
        "--layout-runs", "--measure", "--methods", "--model", "--models", "--neighbors", "--noise", "--optimizer",
        "--output", "--pretrain-epochs", "--pretrained-cache", "--reference", "--rounds", "--rows", "--run-selection",
        "--save-latent", "--scratch", "--seed", "--seeds", "--skip-growth", "--skip-profile", "--skip-streaming",
        "--start-only", "--steps", "--stream", "--stream-epochs", "--threads", "--vae-epochs",
    ];

    /// <summary>True when the command line asks for the usage text.</summary>
    public bool WantsHelp => Raw.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>The <c>--options</c> on the command line that no measurement reads.</summary>
    public IReadOnlyList<string> UnknownOptions() =>
        Raw.Where(a => a.StartsWith("--", StringComparison.Ordinal) && !KnownOptions.Contains(a)).ToList();
}
