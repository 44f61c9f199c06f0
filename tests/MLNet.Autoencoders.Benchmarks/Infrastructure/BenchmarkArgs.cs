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
}
