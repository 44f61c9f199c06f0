using Microsoft.ML;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Vae;

/// <summary>The foundation's reliability rules for the VAE: bad input, divergence, cancellation, damaged zips, threads, leaks.</summary>
public class VaeReliabilityTests
{
    private sealed class VariableRow { public float[] Features { get; set; } = []; }

    [Fact]
    public void Bad_columns_and_data_get_clear_errors()
    {
        var ml = new MLContext(seed: 1);
        var good = SyntheticData.Load(ml, 40);
        VaeEstimator Estimator(Action<VaeOptions>? change = null) => ml.Transforms.Vae(SmallVae.Options(change));

        Assert.Contains("Column 'Pixels' is not in the data", Assert.Throws<ArgumentOutOfRangeException>(() => Estimator(o => o.InputColumnName = "Pixels").Fit(good)).Message);
        var variable = ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = [0.1f, 0.2f] } });
        Assert.Contains("variable-size vector; the VAE needs", Assert.Throws<ArgumentOutOfRangeException>(() => Estimator().Fit(variable)).Message);
        Assert.Contains("has no rows", Assert.Throws<InvalidOperationException>(() => Estimator().Fit(SyntheticData.Load(ml, Array.Empty<float[]>(), size: 20))).Message);
        var rows = SyntheticData.Rows(30);
        rows[4][1] = float.PositiveInfinity;
        Assert.Contains("infinite value in row 4", Assert.Throws<InvalidOperationException>(() => Estimator().Fit(SyntheticData.Load(ml, rows))).Message);
        Assert.Contains("the latent must be smaller than the input", Assert.Throws<ArgumentOutOfRangeException>(() => Estimator(o => o.LatentDimension = 20).Fit(good)).Message);
        using var model = Estimator(o => o.Epochs = 1).Fit(good);
        Assert.Contains("has 18 features, but the VAE expects 20",
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(SyntheticData.Load(ml, 5, size: 18))).Message);
    }

    [Fact]
    public void A_learning_rate_that_blows_up_stops_training_naming_the_epoch()
    {
        var ml = new MLContext(seed: 1);
        var unbounded = SyntheticData.Load(ml, SyntheticData.Rows(200).Select(r => r.Select(v => v * 10 - 5).ToArray()).ToArray());
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.Vae(SmallVae.Options(o => { o.Likelihood = VaeLikelihood.Gaussian; o.LearningRate = 1e12; o.Epochs = 20; })).Fit(unbounded));
        Assert.Contains("Training diverged in epoch", e.Message);
        Assert.Contains("Lower the learning rate", e.Message);
    }

    [Fact]
    public void Cancellation_generation_and_evaluation_leave_no_live_tensors()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using var cancellation = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => ml.Transforms.Vae(SmallVae.Options(o =>
        {
            o.Epochs = 10_000;
            o.BatchSize = 8;
            o.CancellationToken = cancellation.Token;
            o.EpochCallback = r => { if (r.Epoch == 2) cancellation.Cancel(); };
        })).Fit(data));
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        using (var model = ml.Transforms.Vae(SmallVae.Options(o => o.ValidationFraction = 0.2)).Fit(data))
        {
            long afterFit = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 3; i++)
            {
                model.GenerateRows(16, seed: i);
                model.Interpolate(SyntheticData.Rows(2)[0], SyntheticData.Rows(2)[1], 4);
                model.Evaluate(data, importanceSamples: 5);
            }
            // The network behind generation is built once; repeated calls add nothing.
            long afterFirst = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            model.GenerateRows(16, seed: 9);
            model.Evaluate(data, importanceSamples: 5);
            Assert.Equal(afterFirst, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            Assert.True(afterFirst >= afterFit);
        }
    }

    [Fact]
    public void Damaged_VAE_zips_load_or_fail_with_InvalidDataException()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 100);
        using var model = ml.Transforms.Vae(SmallVae.Options(o => { o.Epochs = 1; o.ScoreColumnName = "Score"; })).Fit(data);
        using var file = new TempFile();
        ml.Model.Save(model, data.Schema, file.Path);
        var original = File.ReadAllBytes(file.Path);
        var random = new Random(5);
        int refused = 0, loaded = 0;
        var worker = new Thread(() =>
        {
            for (int attempt = 0; attempt < 200; attempt++)
            {
                var zip = (byte[])original.Clone();
                if (attempt % 2 == 0)
                    Array.Resize(ref zip, random.Next(zip.Length));
                else
                    for (int k = 0; k < 1 + attempt % 7; k++) zip[random.Next(zip.Length)] ^= (byte)(1 + random.Next(255));
                try
                {
                    using var typed = VaeTransformer.Load(new MLContext(), new MemoryStream(zip));
                    typed.GenerateRows(2, seed: 1);
                    loaded++;
                }
                catch (InvalidDataException)
                {
                    refused++;
                }
            }
        }, maxStackSize: 16 << 20);
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromMinutes(2)), "loading a damaged VAE zip hung");
        Assert.Equal(200, refused + loaded);
        Assert.True(refused > 100);
        // The undamaged file still loads and generates.
        using var again = VaeTransformer.Load(new MLContext(), file.Path);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(model.GenerateRows(3, 1), again.GenerateRows(3, 1)));
    }

    [Fact]
    public void Transform_and_generation_on_eight_threads_match_serial_results()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 400);
        using var model = ml.Transforms.Vae(SmallVae.Options(o => o.ScoreColumnName = "Score")).Fit(data);
        var latents = ColumnReader.ReadVectors(model.Transform(data), "Latent");
        var generated = model.GenerateRows(8, seed: 3);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (SyntheticData.MaxAbsDifference(latents, ColumnReader.ReadVectors(model.Transform(data), "Latent")) != 0) failures.Add($"thread {i}: latents");
            if (SyntheticData.MaxAbsDifference(generated, model.GenerateRows(8, seed: 3)) != 0) failures.Add($"thread {i}: generation");
        });
        Assert.Empty(failures);
    }
}
