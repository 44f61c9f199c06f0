using System.Diagnostics;
using System.Text.Json.Nodes;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// Where a training step of the MLP autoencoder (784-512-256-32 mirrored, ReLU, sigmoid output, MSE, Adam, batch 256)
/// spends its time, measured phase by phase on libtorch through TorchSharp (CPU ops run synchronously, so a stopwatch
/// around each phase is exact): the batch gather, forward, loss, backward (with zeroing the gradients), Adam's step,
/// and reading the loss back. Mean milliseconds per step over <c>--steps</c> steps after a warm-up (issue 18: a profile,
/// not a guess). The network is built here with the same layers as the library's, so each phase can be timed alone.
/// The optimizer step is the library's one-pass Adam (<c>--optimizer fused</c>, the default) or TorchSharp's own
/// (<c>--optimizer torchsharp</c>).
/// </summary>
internal static class StepProfileMeasurement
{
    public static JsonObject Run(BenchmarkArgs args)
    {
        int steps = args.GetInt("--steps", 200);
        int batchSize = args.GetInt("--batch-size", 256);
        bool fused = args.Get("--optimizer", "fused") switch
        {
            "fused" => true,
            "torchsharp" => false,
            var other => throw new ArgumentException($"--optimizer is '{other}'; expected fused or torchsharp."),
        };
        if (args.GetIntOrNull("--threads") is int threads) torch.set_num_threads(threads);
        TorchSharpSetup.EnsureLoaded();
        using var generator = new Generator(0);
        // --layers 784,500,500,2000,10 --output linear profiles the deep-clustering network (issue 14) instead.
        int[] sizes = args.Get("--layers", "784,512,256,32").Split(',').Select(int.Parse).ToArray();
        bool sigmoid = args.Get("--output", "sigmoid") == "sigmoid";
        int rowsInData = args.GetInt("--rows", 60_000), inputSize = sizes[0];
        using var network = nn.Sequential(Mirror(sizes).ToArray());
        using var data = rand(rowsInData, inputSize, generator: generator);
        using var optimizer = optim.Adam(network.parameters(), 1e-3);
        // As the trainers do: without it every step's large buffers are mapped and faulted in afresh (backward ~1.5 ms slower).
        using var keepFreedMemory = NativeMemory.KeepFreedMemoryWhileTraining();
        string[] phases = ["gather", "forward", "loss", "backward", "optimizer", "read loss"];
        var totals = new double[phases.Length];
        var random = new Random(0);
        var watch = new Stopwatch();
        for (int step = -20; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var times = new double[phases.Length];
            double Lap() { double t = watch.Elapsed.TotalMilliseconds; watch.Restart(); return t; }
            watch.Restart();
            var rows = new long[batchSize];
            for (int i = 0; i < batchSize; i++) rows[i] = random.Next(rowsInData);
            var batch = data.index_select(0, tensor(rows));
            times[0] = Lap();
            var output = network.forward(batch);
            times[1] = Lap();
            var loss = nn.functional.mse_loss(sigmoid ? output.sigmoid() : output, batch);
            times[2] = Lap();
            if (fused) Gradients.Clear(optimizer);
            else optimizer.zero_grad();
            loss.backward();
            times[3] = Lap();
            if (fused) FusedAdam.Step(optimizer);
            else optimizer.step();
            times[4] = Lap();
            _ = loss.item<float>();
            times[5] = Lap();
            if (step >= 0) for (int p = 0; p < phases.Length; p++) totals[p] += times[p];
        }
        var result = new JsonObject { ["kind"] = "profile", ["implementation"] = "MLNet.Autoencoders", ["machine"] = MachineFacts.Describe(), ["steps"] = steps, ["batch_size"] = batchSize, ["optimizer"] = fused ? "fused" : "torchsharp", ["layers"] = string.Join("-", sizes), ["output"] = sigmoid ? "sigmoid" : "linear" };
        var perStep = new JsonObject();
        double sum = totals.Sum() / steps;
        for (int p = 0; p < phases.Length; p++)
        {
            perStep[phases[p]] = totals[p] / steps;
            Console.Error.WriteLine($"{phases[p],-10} {totals[p] / steps,8:F3} ms ({100 * totals[p] / steps / sum:F0} %)");
        }
        result["ms_per_step"] = perStep;
        result["ms_per_step_total"] = sum;
        result["seconds_per_epoch_estimate"] = sum * Math.Ceiling((double)rowsInData / batchSize) / 1000;
        return result;
    }

    /// <summary>Linear + ReLU layers through the sizes and back (no activation on the latent or the output), as the library's network.</summary>
    private static IEnumerable<(string, nn.Module<Tensor, Tensor>)> Mirror(int[] sizes)
    {
        var path = MirroredLayers.Path(sizes);
        int latent = sizes.Length - 1;
        for (int i = 0; i < path.Length - 1; i++)
        {
            yield return ($"linear{i}", nn.Linear(path[i], path[i + 1]));
            if (i != latent - 1 && i != path.Length - 2) yield return ($"relu{i}", nn.ReLU());
        }
    }
}
