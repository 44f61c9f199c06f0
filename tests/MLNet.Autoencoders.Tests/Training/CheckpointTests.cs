using System.Diagnostics;
using System.IO.Compression;
using Microsoft.ML;
using MLNet.Autoencoders.Tests.Reliability;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Training;

/// <summary>
/// Checkpoints: a Fit killed with SIGKILL after an epoch and resumed from its checkpoint ends with the same weights, bit for
/// bit, as an uninterrupted run (every kind: early stopping on, greedy pretraining, VAE, streamed rows); 10 + 10 epochs
/// equal 20; damaged and foreign checkpoints are refused. They train with one thread, alone (libtorch's thread count is
/// process-wide and other tests change it).
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public class CheckpointTests
{
    private static AutoencoderOptions Options(int epochs, string? checkpoint = null, string? resume = null) => Small.Options(o =>
    {
        o.Epochs = epochs;
        o.Seed = 5;
        o.NumberOfThreads = 1;
        o.ValidationFraction = 0.2;
        o.EarlyStoppingPatience = 50;
        o.CheckpointPath = checkpoint;
        o.ResumeFromCheckpoint = resume;
    });

    private static void AssertSameWeights(AutoencoderTransformer expected, AutoencoderTransformer actual)
    {
        var (a, b) = (expected.Weights, actual.Weights);
        for (int i = 0; i < a.EncoderWeights.Length; i++)
        {
            Assert.Equal(a.EncoderWeights[i], b.EncoderWeights[i]);
            Assert.Equal(a.EncoderBiases[i], b.EncoderBiases[i]);
            Assert.Equal(a.DecoderBiases[i], b.DecoderBiases[i]);
            if (a.DecoderWeights[i] is not null) Assert.Equal(a.DecoderWeights[i], b.DecoderWeights[i]);
        }
    }

    [Fact]
    public void Ten_epochs_then_ten_more_from_the_checkpoint_equal_twenty_straight()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        using var folder = new TempFolder();
        string checkpoint = Path.Combine(folder.Path, "run.checkpoint");
        using var straight = ml.Transforms.Autoencoder(Options(20)).Fit(data);
        using var first = ml.Transforms.Autoencoder(Options(10, checkpoint)).Fit(data);
        var resumedEpochs = new List<int>();
        var resumeOptions = Options(20, resume: checkpoint);
        resumeOptions.EpochCallback = r => resumedEpochs.Add(r.Epoch);
        using var continued = ml.Transforms.Autoencoder(resumeOptions).Fit(data);
        Assert.Equal(Enumerable.Range(11, 10), resumedEpochs);

        AssertSameWeights(straight, continued);
        Assert.Equal(straight.BestEpoch, continued.BestEpoch);
        Assert.Equal(straight.TrainingHistory.Select(h => h.TrainLoss), continued.TrainingHistory.Select(h => h.TrainLoss));
        Assert.Equal(straight.TrainingHistory.Select(h => h.ValidationLoss), continued.TrainingHistory.Select(h => h.ValidationLoss));
        // Only the last checkpoint is kept, and no temporary file is left behind.
        Assert.Equal([checkpoint], Directory.GetFiles(folder.Path));
    }

    [Theory]
    [InlineData("mlp", 8, "training 3")]
    [InlineData("greedy", 4, "pretraining layer 2 2")]
    [InlineData("vae", 6, "training 3")]
    [InlineData("stream", 6, "training 3")]
    public async Task A_Fit_killed_after_an_epoch_resumes_to_the_same_weights_bit_for_bit(string kind, int epochs, string killAfter)
    {
        using var folder = new TempFolder();
        string straight = Path.Combine(folder.Path, "straight.zip"), resumed = Path.Combine(folder.Path, "resumed.zip");
        string checkpoint = Path.Combine(folder.Path, "run.checkpoint");

        string straightLog = Path.Combine(folder.Path, "straight.log");
        await File.WriteAllTextAsync(straightLog, await RunHost(kind, epochs, straight));
        // The host waits after that epoch's line (its checkpoint is on disk by then) until it is killed.
        var killed = await RunHost(kind, epochs, Path.Combine(folder.Path, "never.zip"), killAfterLine: "epoch " + killAfter,
            "--checkpoint", checkpoint, "--wait-after", "epoch " + killAfter);
        Assert.DoesNotContain("done", killed);
        Assert.False(File.Exists(Path.Combine(folder.Path, "never.zip")));
        var resumedOutput = await RunHost(kind, epochs, resumed, null, "--resume", checkpoint);
        // It really resumed: no epoch up to the kill is trained again (training afresh would give the same weights too).
        var resumedLines = resumedOutput.Split('\n', StringSplitOptions.TrimEntries);
        Assert.DoesNotContain("epoch " + killAfter, resumedLines);
        Assert.Contains(resumedLines, l => l.StartsWith("epoch ", StringComparison.Ordinal));
        // The killed run's epochs and the resumed run's epochs add up to the uninterrupted run's.
        static int Epochs(string log) => log.Split('\n', StringSplitOptions.TrimEntries).Count(l => l.StartsWith("epoch ", StringComparison.Ordinal));
        Assert.Equal(Epochs(await File.ReadAllTextAsync(straightLog)), Epochs(killed) + Epochs(resumedOutput));

        var ml = new MLContext();
        if (kind == "vae")
        {
            using var a = VaeTransformer.Load(ml, straight);
            using var b = VaeTransformer.Load(ml, resumed);
            Assert.Equal(a.Weights.EncoderWeights[0], b.Weights.EncoderWeights[0]);
            Assert.Equal(a.Weights.MeanWeight, b.Weights.MeanWeight);
            Assert.Equal(a.Weights.DecoderWeights[^1], b.Weights.DecoderWeights[^1]);
            Assert.Equal(a.TrainingHistory.Select(h => h.TrainLoss), b.TrainingHistory.Select(h => h.TrainLoss));
        }
        else
        {
            using var a = AutoencoderTransformer.Load(ml, straight);
            using var b = AutoencoderTransformer.Load(ml, resumed);
            AssertSameWeights(a, b);
            Assert.Equal(a.TrainingHistory.Select(h => (h.Stage, h.TrainLoss)), b.TrainingHistory.Select(h => (h.Stage, h.TrainLoss)));
        }
    }

    /// <summary>Runs the training host; with <paramref name="killAfterLine"/>, kills it (SIGKILL) once it prints that line.</summary>
    private static async Task<string> RunHost(string kind, int epochs, string model, string? killAfterLine = null, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { RepositoryPaths.TrainingHostAssembly(), kind, epochs.ToString(), model }.Concat(extra))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.AppendLine(line);
            if (line == killAfterLine)
            {
                process.Kill(); // SIGKILL on Linux: nothing of the process runs after it.
                break;
            }
        }
        await process.WaitForExitAsync(timeout.Token);
        if (killAfterLine is null)
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        else
            Assert.True(output.ToString().Contains(killAfterLine), $"the host never printed '{killAfterLine}':\n{output}\n{await stderr}");
        return output.ToString();
    }

    [Fact]
    public void A_damaged_or_foreign_checkpoint_is_refused_clearly()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        using var folder = new TempFolder();
        string checkpoint = Path.Combine(folder.Path, "run.checkpoint");
        using (ml.Transforms.Autoencoder(Options(2, checkpoint)).Fit(data)) { }

        // Another architecture: both fingerprints in the message.
        var e = Assert.Throws<InvalidDataException>(() => ml.Transforms.Autoencoder(Small.Options(o =>
        {
            o.Epochs = 3; o.Seed = 5; o.NumberOfThreads = 1; o.ValidationFraction = 0.2; o.EarlyStoppingPatience = 50; o.HiddenLayerSizes = [8];
            o.ResumeFromCheckpoint = checkpoint;
        })).Fit(data));
        Assert.Contains("20-16-3", e.Message);
        Assert.Contains("20-8-3", e.Message);

        // Another kind.
        e = Assert.Throws<InvalidDataException>(() => ml.Transforms.Vae(new VaeOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [16], Epochs = 3, ResumeFromCheckpoint = checkpoint,
        }).Fit(data));
        Assert.Contains("not a Vae", e.Message);

        // Damaged: a rewritten zip with one entry changed (valid CRC-32s), and flipped bytes in the file.
        var entries = ZipEntries.Read(File.ReadAllBytes(checkpoint));
        string damaged = Path.Combine(folder.Path, "damaged.checkpoint");
        File.WriteAllBytes(damaged, ZipEntries.Write(entries.Select(x => x.Name == "network.bin" ? x with { Data = ZipEntries.Flip(x.Data, new Random(1), start: x.Data.Length / 2) } : x)));
        e = Assert.Throws<InvalidDataException>(() => ml.Transforms.Autoencoder(Options(3, resume: damaged)).Fit(data));
        Assert.Contains("network.bin", e.Message);
        var bytes = File.ReadAllBytes(checkpoint);
        bytes[bytes.Length / 3] ^= 0x5A;
        File.WriteAllBytes(damaged, bytes);
        Assert.Throws<InvalidDataException>(() => ml.Transforms.Autoencoder(Options(3, resume: damaged)).Fit(data));

        // A model zip is not a checkpoint; a missing file says so.
        string model = Path.Combine(folder.Path, "model.zip");
        using (var fitted = ml.Transforms.Autoencoder(Options(1)).Fit(data)) ml.Model.SaveWithManifest(fitted, data.Schema, model);
        e = Assert.Throws<InvalidDataException>(() => ml.Transforms.Autoencoder(Options(3, resume: model)).Fit(data));
        Assert.Contains("not a training checkpoint", e.Message);
        Assert.Throws<FileNotFoundException>(() => ml.Transforms.Autoencoder(Options(3, resume: Path.Combine(folder.Path, "none"))).Fit(data));
    }

    [Fact]
    public void CheckpointInterval_writes_every_nth_epoch()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 100);
        using var folder = new TempFolder();
        string checkpoint = Path.Combine(folder.Path, "run.checkpoint");
        var written = new List<int>();
        var options = Options(5, checkpoint);
        options.CheckpointInterval = 2;
        options.EpochCallback = r =>
        {
            if (File.Exists(checkpoint)) written.Add(r.Epoch);
            File.Delete(checkpoint);
        };
        using (ml.Transforms.Autoencoder(options).Fit(data)) { }
        Assert.Equal([2, 4], written);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.CheckpointInterval = 0)));
    }
}
