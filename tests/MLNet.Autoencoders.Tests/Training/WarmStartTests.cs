using Microsoft.ML;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Training;

/// <summary>Continuing training from a fitted model: <c>Fit(data, initialModel)</c> on every estimator kind.</summary>
public class WarmStartTests
{
    private static float MeanError(AutoencoderTransformer model, float[][] rows) => rows.Average(r => model.ReconstructionError(r));

    [Fact]
    public void Continuing_on_new_rows_lowers_their_error_and_extends_the_history()
    {
        var ml = new MLContext(seed: 1);
        var first = SyntheticData.Load(ml, 200, seed: 7);
        var newRows = SyntheticData.Rows(200, seed: 31).Select(r => r.Reverse().ToArray()).ToArray();
        using var initial = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 3)).Fit(first);
        using var continued = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 4)).Fit(SyntheticData.Load(ml, newRows), initial);

        Assert.True(MeanError(continued, newRows) < MeanError(initial, newRows) * 0.9,
            $"error on the new rows: {MeanError(initial, newRows)} before, {MeanError(continued, newRows)} after");
        Assert.Equal(7, continued.TrainingHistory.Count);
        Assert.Equal(initial.TrainingHistory.Select(h => h.TrainLoss), continued.TrainingHistory.Take(3).Select(h => h.TrainLoss));
        Assert.All(continued.TrainingHistory.Skip(3), h => Assert.Equal(EpochReport.ContinuedTrainingStage, h.Stage));
    }

    [Fact]
    public void A_typed_reloaded_model_continues_from_its_own_weights()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        using var initial = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 3)).Fit(data);
        using var file = new TempFile();
        ml.Model.Save(initial, data.Schema, file.Path);
        using var loaded = AutoencoderTransformer.Load(ml, file.Path);

        // With a vanishing learning rate, continuing leaves the weights where they were: the start is the model, not a fresh initialisation.
        using var still = ml.Transforms.Autoencoder(Small.Options(o => { o.Epochs = 1; o.LearningRate = 1e-12; })).Fit(data, loaded);
        var row = SyntheticData.Rows(1, seed: 5)[0];
        Assert.Equal(initial.Encode(row), still.Encode(row), new FloatComparer(1e-5f));
        using var fresh = ml.Transforms.Autoencoder(Small.Options(o => { o.Epochs = 1; o.LearningRate = 1e-12; })).Fit(data);
        Assert.NotEqual(initial.Encode(row), fresh.Encode(row), new FloatComparer(1e-3f));
    }

    [Fact]
    public void A_different_architecture_is_refused_with_both_shapes()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 100);
        using var initial = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 1)).Fit(data);
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.HiddenLayerSizes = [8])).Fit(data, initial));
        Assert.Contains("20-16-3", e.Message);
        Assert.Contains("20-8-3", e.Message);
        Assert.Equal("initialModel", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.TiedWeights = true)).Fit(data, initial));
        Assert.Contains("tied weights", e.Message);
    }

    [Fact]
    public void A_plain_autoencoder_continues_as_a_denoising_one_and_greedy_pretraining_is_skipped()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        using var initial = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 2)).Fit(data);
        var options = new DenoisingAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [16], Epochs = 2,
            BatchSize = 32, LearningRate = 1e-2, Pretraining = Pretraining.GreedyLayerWise, PretrainingEpochsPerLayer = 1,
        };
        using var denoising = ml.Transforms.DenoisingAutoencoder(options).Fit(data, initial);
        Assert.Equal(4, denoising.TrainingHistory.Count);
        Assert.DoesNotContain(denoising.TrainingHistory, h => h.Stage.StartsWith("pretraining", StringComparison.Ordinal));
    }

    [Fact]
    public void A_VAE_continues_from_its_weights_lowers_its_loss_and_refuses_another_architecture()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        VaeOptions Options(int epochs, double learningRate = 1e-2, int[]? hidden = null) => new()
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = hidden ?? [16], Epochs = epochs,
            BatchSize = 32, LearningRate = learningRate, KlWarmupEpochs = 2,
        };
        using var initial = ml.Transforms.Vae(Options(2)).Fit(data);
        using var file = new TempFile();
        ml.Model.Save(initial, data.Schema, file.Path);
        using var loaded = VaeTransformer.Load(ml, file.Path);

        using var continued = ml.Transforms.Vae(Options(4)).Fit(data, loaded);
        Assert.True(continued.Evaluate(data, importanceSamples: 1).Elbo > initial.Evaluate(data, importanceSamples: 1).Elbo);
        Assert.Equal(6, continued.TrainingHistory.Count);
        // No second KL warm-up: every continued epoch uses the full beta.
        Assert.All(continued.TrainingHistory.Skip(2), h => Assert.Equal(1.0, h.Beta));

        using var still = ml.Transforms.Vae(Options(1, learningRate: 1e-12)).Fit(data, loaded);
        var row = SyntheticData.Rows(1, seed: 5)[0];
        Assert.Equal(initial.Encode(row), still.Encode(row), new FloatComparer(1e-5f));

        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.Vae(Options(1, hidden: [8])).Fit(data, initial));
        Assert.Contains("20-16-3", e.Message);
        Assert.Contains("20-8-3", e.Message);
    }
}
