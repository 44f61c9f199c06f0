using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Autoencoder;

public class AutoencoderEstimatorTests
{
    [Fact]
    public void Schemas_of_estimator_transformer_and_data_agree()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml);
        var estimator = ml.Transforms.Autoencoder(Small.Options(o => { o.ReconstructionColumnName = "Recon"; o.ReconstructionErrorColumnName = "Error"; }));
        var shape = estimator.GetOutputSchema(Shapes.Of(data.Schema));
        using var transformer = estimator.Fit(data);
        var schema = transformer.GetOutputSchema(data.Schema);
        var transformed = transformer.Transform(data);

        Assert.Equal(schema.Select(c => (c.Name, c.Type)), transformed.Schema.Select(c => (c.Name, c.Type)));
        Assert.Equal(new[] { "Features", "Latent", "Recon", "Error" }, shape.Select(c => c.Name));
        foreach (var column in shape)
        {
            var actual = schema[column.Name].Type;
            Assert.Equal(column.ItemType, actual is VectorDataViewType v ? v.ItemType : actual);
            Assert.Equal(column.Kind == SchemaShape.Column.VectorKind.Vector, actual is VectorDataViewType);
        }
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), schema["Latent"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 20), schema["Recon"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1), schema["Error"].Type);
    }

    [Fact]
    public void Latent_can_replace_its_input_column_and_the_result_saves()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml);
        var estimator = ml.Transforms.Autoencoder("Features", latentDimension: 3, hiddenLayerSizes: [8], epochs: 2);
        using var transformer = estimator.Fit(data);
        var transformed = transformer.Transform(data);
        Assert.Equal(3, ((VectorDataViewType)transformed.Schema["Features"].Type).Size);
        var latents = ColumnReader.ReadVectors(transformed, "Features");

        using var file = new TempFile();
        ml.Model.Save(transformer, data.Schema, file.Path);
        var loaded = new MLContext().Model.Load(file.Path, out _);
        var reloaded = ColumnReader.ReadVectors(loaded.Transform(data), "Features");
        Assert.True(SyntheticData.MaxAbsDifference(latents, reloaded) <= 1e-5f);
    }

    [Fact]
    public void Training_loss_decreases_and_history_is_kept()
    {
        var ml = new MLContext(seed: 1);
        using var transformer = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 15)).Fit(SyntheticData.Load(ml));
        var history = transformer.TrainingHistory;
        Assert.Equal(15, history.Count);
        Assert.Equal(Enumerable.Range(1, 15), history.Select(h => h.Epoch));
        Assert.True(history[^1].TrainLoss < 0.7 * history[0].TrainLoss, $"loss {history[0].TrainLoss} -> {history[^1].TrainLoss}");
        Assert.All(history, h => Assert.Null(h.ValidationLoss));
        Assert.Equal(15, transformer.BestEpoch);
    }

    [Fact]
    public void Same_seed_gives_the_same_latents_and_another_seed_does_not()
    {
        float[][] Latents(int contextSeed, int? optionSeed = null)
        {
            var ml = new MLContext(seed: contextSeed);
            var data = SyntheticData.Load(ml);
            using var t = ml.Transforms.Autoencoder(Small.Options(o => o.Seed = optionSeed)).Fit(data);
            return ColumnReader.ReadVectors(t.Transform(data), "Latent");
        }
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(Latents(1), Latents(1)));
        Assert.True(SyntheticData.MaxAbsDifference(Latents(1), Latents(2)) > 1e-3f);
        // An explicit seed wins over the context's.
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(Latents(1, optionSeed: 5), Latents(2, optionSeed: 5)));
    }

    [Fact]
    public void Transform_scores_in_batches_and_matches_single_row_encoding_across_batch_boundaries()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(2500);
        var data = SyntheticData.Load(ml, rows);
        using var transformer = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 1)).Fit(data);
        var latents = ColumnReader.ReadVectors(transformer.Transform(data), "Latent");
        var passedThrough = ColumnReader.ReadVectors(transformer.Transform(data), "Features");
        Assert.Equal(2500, latents.Length);
        for (int i = 0; i < rows.Length; i += 97)
        {
            Assert.Equal(rows[i], passedThrough[i]);
            var single = transformer.Encode(rows[i]);
            for (int j = 0; j < single.Length; j++) Assert.Equal(single[j], latents[i][j], 5);
        }
    }

    [Fact]
    public void Reconstruction_error_column_is_the_mean_squared_difference()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(200);
        var data = SyntheticData.Load(ml, rows);
        using var transformer = ml.Transforms.Autoencoder(Small.Options(o => { o.ReconstructionColumnName = "Recon"; o.ReconstructionErrorColumnName = "Error"; })).Fit(data);
        var transformed = transformer.Transform(data);
        var recon = ColumnReader.ReadVectors(transformed, "Recon");
        var errors = ml.Data.CreateEnumerable<ErrorRow>(transformed, reuseRowObject: false).Select(r => r.Error[0]).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            double expected = rows[i].Zip(recon[i], (x, y) => (double)(x - y) * (x - y)).Average();
            Assert.Equal(expected, errors[i], 5);
            Assert.Equal(expected, transformer.ReconstructionError(rows[i]), 5);
            Assert.Equal(recon[i], transformer.Reconstruct(rows[i]), new FloatComparer(1e-5f));
        }
    }

    private sealed class ErrorRow
    {
        [VectorType(1)]
        public float[] Error { get; set; } = [];
    }

    [Fact]
    public void Progress_goes_to_the_callback_and_to_the_MLContext_log()
    {
        var ml = new MLContext(seed: 1);
        var logged = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("epoch ")) lock (logged) logged.Add(e.Message); };
        var reports = new List<EpochReport>();
        using var transformer = ml.Transforms.Autoencoder(Small.Options(o => { o.Epochs = 4; o.ValidationFraction = 0.2; o.EpochCallback = reports.Add; })).Fit(SyntheticData.Load(ml));
        Assert.Equal(4, reports.Count);
        Assert.All(reports, r => Assert.NotNull(r.ValidationLoss));
        Assert.All(reports, r => Assert.True(r.Elapsed > TimeSpan.Zero));
        Assert.Equal(4, logged.Count(m => m.Contains("validation loss")));
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_keeps_the_best_epoch()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 120);
        // A learning rate this high makes the validation loss bounce, so improvement stalls quickly.
        var options = Small.Options(o => { o.Epochs = 40; o.LearningRate = 0.05; o.ValidationFraction = 0.25; o.EarlyStoppingPatience = 1; o.BatchSize = 8; });
        using var impatient = ml.Transforms.Autoencoder(options).Fit(data);
        options.EarlyStoppingPatience = 40;
        using var patient = new MLContext(seed: 1).Transforms.Autoencoder(options).Fit(data);

        Assert.True(impatient.TrainingHistory.Count < 40, $"ran {impatient.TrainingHistory.Count} epochs");
        Assert.Equal(40, patient.TrainingHistory.Count);
        var best = impatient.TrainingHistory.MinBy(h => h.ValidationLoss)!;
        Assert.Equal(best.Epoch, impatient.BestEpoch);
        Assert.Equal(impatient.BestEpoch + 1, impatient.TrainingHistory.Count);
    }

    [Fact]
    public void Early_stopping_restores_the_best_weights()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 120);
        var options = Small.Options(o => { o.Epochs = 40; o.LearningRate = 0.05; o.ValidationFraction = 0.25; o.EarlyStoppingPatience = 3; o.BatchSize = 8; o.Seed = 3; });
        using var stopped = new MLContext(seed: 1).Transforms.Autoencoder(options).Fit(data);
        Assert.True(stopped.BestEpoch < stopped.TrainingHistory.Count, "the test needs a run that went on past its best epoch");
        // The same run cut at the best epoch, without early stopping past it, must give the same weights.
        options.Epochs = stopped.BestEpoch;
        using var cut = new MLContext(seed: 1).Transforms.Autoencoder(options).Fit(data);
        var a = ColumnReader.ReadVectors(stopped.Transform(data), "Latent");
        var b = ColumnReader.ReadVectors(cut.Transform(data), "Latent");
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(a, b));
    }

    [Fact]
    public void Tied_weights_share_one_tensor_and_halve_the_weights()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml);
        using var tied = ml.Transforms.Autoencoder(Small.Options(o => o.TiedWeights = true)).Fit(data);
        using var untied = ml.Transforms.Autoencoder(Small.Options()).Fit(data);
        Assert.True(tied.TiedWeights);
        Assert.All(tied.Weights.DecoderWeights, Assert.Null);
        Assert.All(untied.Weights.DecoderWeights, Assert.NotNull);

        // In the network itself, the decoder has no weight of its own: changing the encoder weight changes the decoding.
        using var generator = new TorchSharp.torch.Generator(1);
        using var network = new Networks.MlpAutoencoderNetwork(new Networks.MlpArchitecture([20, 16, 3], Activation.Relu, OutputActivation.Sigmoid, true), generator);
        var names = network.named_parameters().Select(p => p.name).ToArray();
        Assert.DoesNotContain(names, n => n.StartsWith("decoder", StringComparison.Ordinal));
        Assert.Equal(2, names.Count(n => n.EndsWith("weight", StringComparison.Ordinal)));
        using var z = TorchSharp.torch.ones(1, 3);
        using var before = network.DecodeLogits(z).detach().clone();
        using (TorchSharp.torch.no_grad()) network.EncoderWeight(0).mul_(2);
        using var after = network.DecodeLogits(z);
        Assert.False(before.allclose(after));

        // Gradients reach the shared weight from both of its uses.
        network.zero_grad();
        using var x = TorchSharp.torch.rand(4, 20, generator: generator);
        using var loss = network.forward(x).sum();
        loss.backward();
        using var grad = network.EncoderWeight(1).grad!.clone();
        network.zero_grad();
        using var encoderOnly = network.Encode(x).sum();
        encoderOnly.backward();
        Assert.False(grad.allclose(network.EncoderWeight(1).grad!));
    }

    [Fact]
    public void The_reflective_read_of_the_MLContext_still_works_in_this_MLNET()
    {
        var ml = new MLContext(seed: 1);
        var environment = MLContextAccess.FromCatalog(ml.Transforms);
        Assert.NotNull(environment);
    }

    [Fact]
    public void A_disposed_transformer_refuses_to_score()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml);
        var transformer = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 1)).Fit(data);
        transformer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => transformer.Transform(data));
        Assert.Throws<ObjectDisposedException>(() => transformer.Encode(new float[20]));
        transformer.Dispose();
    }
}

public class CancellationTests
{
    [Fact]
    public void Cancellation_stops_a_long_fit_quickly()
    {
        using var cancellation = new CancellationTokenSource();
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 2000);
        var canceledAt = new System.Diagnostics.Stopwatch();
        var estimator = ml.Transforms.Autoencoder(Small.Options(o =>
        {
            o.Epochs = 100_000;
            o.BatchSize = 8;
            o.CancellationToken = cancellation.Token;
            o.EpochCallback = r => { if (r.Epoch == 2) { canceledAt.Start(); cancellation.Cancel(); } };
        }));
        Assert.Throws<OperationCanceledException>(() => estimator.Fit(data));
        Assert.True(canceledAt.Elapsed < TimeSpan.FromSeconds(2), $"stopped {canceledAt.Elapsed} after the cancel");
    }
}
