using System.Text.Json.Nodes;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>
/// <c>--measure all</c>: every measurement of issue 8, each in its own process, ours right after the reference script's
/// for the same model when <c>--reference PATH/ref.py</c> is given; then the JSON and the RESULTS.md tables.
/// </summary>
internal static class BenchmarkRunner
{
    public static readonly string[] DefaultModels = ["mlp", "tied", "dae_gauss", "vae", "conv"];

    public static void Run(BenchmarkArgs args)
    {
        int epochs = args.GetInt("--epochs", 5);
        var models = args.Get("--models", string.Join(',', DefaultModels)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        string? reference = args.GetOrNull("--reference");
        string scratch = args.Get("--scratch", Path.Combine(Path.GetTempPath(), "mlnet-autoencoders-bench"));
        Directory.CreateDirectory(scratch);
        var common = new List<string> { "--data", args.DataDirectory };
        if (args.GetOrNull("--threads") is { } threads) common.AddRange(["--threads", threads]);
        var results = new List<JsonObject>();

        foreach (var model in models)
        {
            if (reference is not null)
                results.AddRange(ReferenceScript.Run(reference, BenchmarkModels.ReferencePart[model], epochs, Path.Combine(scratch, "reference")));
            // The reference measures its encoder's throughput right after training the MLP: measure ours right after it.
            if (model == "mlp") results.AddRange(ChildProcess.RunSelf(["--measure", "inference", .. common]));
            results.AddRange(ChildProcess.RunSelf(["--measure", "training", "--model", model, "--epochs", epochs.ToString(), .. common]));
        }
        if (!models.Contains("mlp")) results.AddRange(ChildProcess.RunSelf(["--measure", "inference", .. common]));
        if (!args.Has("--skip-profile"))
        {
            // Issue 18: the BLAS's speed and the FLOP floor, and a training step split into phases, with each optimizer step.
            results.AddRange(ChildProcess.RunSelf(["--measure", "gemm", .. common]));
            results.AddRange(ChildProcess.RunSelf(["--measure", "profile", "--optimizer", "fused", .. common]));
            results.AddRange(ChildProcess.RunSelf(["--measure", "profile", "--optimizer", "torchsharp", .. common]));
        }
        results.AddRange(ChildProcess.RunSelf(["--measure", "saveload", "--model", "mlp", .. common]));
        results.AddRange(ChildProcess.RunSelf(["--measure", "saveload", "--model", "conv", .. common]));

        if (!args.Has("--skip-growth"))
            results.AddRange(ChildProcess.RunSelf(["--measure", "growth", .. common]));
        if (!args.Has("--skip-streaming"))
        {
            int copies = args.GetInt("--copies", 10);
            string small = Path.Combine(scratch, "train-1x.idv"), large = Path.Combine(scratch, $"train-{copies}x.idv");
            if (!File.Exists(small)) results.AddRange(ChildProcess.RunSelf(["--measure", "binary-file", "--copies", "1", "--binary-file", small, .. common]));
            if (!File.Exists(large)) results.AddRange(ChildProcess.RunSelf(["--measure", "binary-file", "--copies", copies.ToString(), "--binary-file", large, .. common]));
            int streamEpochs = args.GetInt("--stream-epochs", 2);
            foreach (var file in new[] { small, large })
                results.AddRange(ChildProcess.RunSelf(["--measure", "training", "--model", "mlp", "--binary-file", file, "--stream", "--epochs", streamEpochs.ToString(), .. common]));
        }

        var report = new JsonObject
        {
            ["machine"] = MachineFacts.Describe(),
            ["command"] = "dotnet run -c Release --project tests/MLNet.Autoencoders.Benchmarks -- " + string.Join(' ', args.Raw),
            ["results"] = new JsonArray(results.Select(r => (JsonNode)r).ToArray()),
        };
        string jsonPath = args.Get("--json", Path.Combine(ProjectFolder(), "results", "latest.json"));
        Directory.CreateDirectory(Path.GetDirectoryName(jsonPath)!);
        File.WriteAllText(jsonPath, report.ToJsonString(Results.Indented));
        // Every run is kept too: on these noisy machines one run is one sample.
        string history = Path.Combine(Path.GetDirectoryName(jsonPath)!, "history", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HHmm") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(history)!);
        File.WriteAllText(history, report.ToJsonString(Results.Indented));
        Console.WriteLine($"wrote {jsonPath}");
        // Rendered from the written text, so numbers read back the same way as with --measure report.
        ResultsMarkdown.Update(Path.Combine(ProjectFolder(), "RESULTS.md"), JsonNode.Parse(report.ToJsonString())!.AsObject());
    }

    /// <summary>Rewrites RESULTS.md's generated part from a results JSON written earlier (<c>--measure report --json PATH</c>).</summary>
    public static void Report(BenchmarkArgs args)
    {
        string jsonPath = args.Get("--json", Path.Combine(ProjectFolder(), "results", "latest.json"));
        ResultsMarkdown.Update(Path.Combine(ProjectFolder(), "RESULTS.md"), JsonNode.Parse(File.ReadAllText(jsonPath))!.AsObject());
    }

    /// <summary>The benchmark project's source folder (the output folder is bin/…/net10.0 below it).</summary>
    public static string ProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.Autoencoders.Benchmarks.csproj"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
