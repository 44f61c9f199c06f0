using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>
/// How a measurement reports: each child process prints its result as one <c>RESULT {json}</c> line, which the runner
/// collects (so each measurement has a process, and a peak RSS, of its own).
/// </summary>
internal static class Results
{
    public const string Prefix = "RESULT ";

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Emit(JsonObject result) => Console.WriteLine(Prefix + result.ToJsonString());

    public static JsonObject StatsNode(Stats stats) => new()
    {
        ["median"] = stats.Median, ["min"] = stats.Min, ["max"] = stats.Max, ["n"] = stats.Count,
    };

    public static double Median(JsonNode? node) => node?["median"]?.GetValue<double>() ?? double.NaN;
}
