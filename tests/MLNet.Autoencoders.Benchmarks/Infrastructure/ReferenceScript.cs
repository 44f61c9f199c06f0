using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>
/// Runs ../shared/reference/ref.py (PyTorch 1.13, Debian's python3-torch) for one part and turns its JSON into results
/// shaped like ours, so both sides of a comparison come from the same session on the same machine.
/// </summary>
internal static class ReferenceScript
{
    public static List<JsonObject> Run(string script, string part, int epochs, string outputFolder)
    {
        var start = new ProcessStartInfo("/usr/bin/python3");
        foreach (var a in new[] { script, "--part", part, "--epochs", epochs.ToString(), "--out", outputFolder, "--models", Path.Combine(outputFolder, "models") })
            start.ArgumentList.Add(a);
        // Debian's OpenBLAS misdetects these virtual CPUs and falls back to slow generic kernels unless told the core type.
        if (Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is null)
            start.Environment["OPENBLAS_CORETYPE"] = "Haswell";
        ChildProcess.Run(start);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outputFolder, part + ".json")))!;
        var timing = json["timing"]!;
        var results = new List<JsonObject>
        {
            new()
            {
                ["kind"] = "training",
                ["implementation"] = "PyTorch",
                ["model"] = BenchmarkModels.ReferencePart.First(p => p.Value == part).Key,
                ["rows"] = json["n_train"]!.GetValue<long>(),
                ["epochs"] = epochs,
                ["threads"] = json["env"]?["torch_num_threads"]?.DeepClone(),
                ["sec_per_epoch"] = timing["sec_per_epoch_epochs2toN"]!.DeepClone(),
                ["first_epoch_sec"] = timing["first_epoch_wall_s"]!.DeepClone(),
                ["foreign_load"] = timing["foreign_cpu_load_epochs2toN"]!.DeepClone(),
                ["rss_after_data_mb"] = json["rss_after_data_load_mb"]!.DeepClone(),
                ["peak_rss_mb"] = (json["peak_rss_after_train_mb"] ?? json["peak_rss_mb"])!.DeepClone(),
            },
        };
        if ((json["inference_encode"] ?? json["inference_encode_mu"]) is JsonObject inference)
        {
            results.Add(new JsonObject
            {
                ["kind"] = "inference",
                ["implementation"] = "PyTorch",
                ["model"] = results[0]["model"]!.GetValue<string>(),
                ["transform_10k_rows_per_sec"] = inference["batch1024_rows_per_s"]!.DeepClone(),
                ["encode_row_rows_per_sec"] = inference["single_row_rows_per_s"]!.DeepClone(),
            });
        }
        return results;
    }
}
