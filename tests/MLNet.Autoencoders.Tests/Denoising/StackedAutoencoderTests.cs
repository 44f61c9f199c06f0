using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Denoising;

public class StackedAutoencoderTests
{
    private static AutoencoderOptions Stacked(Action<AutoencoderOptions>? change = null) => Small.Options(o =>
    {
        o.HiddenLayerSizes = [16, 8];
        o.Pretraining = Pretraining.GreedyLayerWise;
        o.PretrainingEpochsPerLayer = 6;
        o.Epochs = 3;
        change?.Invoke(o);
    });

    [Fact]
    public void Each_stage_is_recorded_and_its_loss_falls()
    {
        var ml = new MLContext(seed: 1);
        using var t = ml.Transforms.Autoencoder(Stacked()).Fit(SyntheticData.Load(ml, 300));
        var stages = t.TrainingHistory.GroupBy(h => h.Stage).ToArray();
        Assert.Equal(new[] { "pretraining layer 1", "pretraining layer 2", "pretraining layer 3", EpochReport.TrainingStage }, stages.Select(s => s.Key));
        foreach (var stage in stages.Take(3))
        {
            Assert.Equal(6, stage.Count());
            Assert.True(stage.Last().TrainLoss < stage.First().TrainLoss, $"{stage.Key}: {stage.First().TrainLoss} -> {stage.Last().TrainLoss}");
        }
        Assert.Equal(3, stages[3].Count());
        Assert.Equal(3, t.BestEpoch);
    }

    [Fact]
    public void Fine_tuning_starts_from_the_pretrained_weights()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        using var pretrained = new MLContext(seed: 1).Transforms.Autoencoder(Stacked(o => o.Epochs = 1)).Fit(data);
        using var scratch = new MLContext(seed: 1).Transforms.Autoencoder(Stacked(o => { o.Epochs = 1; o.Pretraining = Pretraining.None; })).Fit(data);
        double afterPretraining = pretrained.TrainingHistory.Single(h => h.Stage == EpochReport.TrainingStage).TrainLoss;
        double fromScratch = scratch.TrainingHistory.Single().TrainLoss;
        Assert.True(afterPretraining < 0.8 * fromScratch, $"first fine-tuning epoch {afterPretraining} vs first epoch from scratch {fromScratch}");
    }

    [Fact]
    public void PretrainingEpochsPerLayer_changes_the_model_and_is_validated()
    {
        float[][] Latents(int epochsPerLayer)
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.Load(ml, 200);
            using var t = ml.Transforms.Autoencoder(Stacked(o => o.PretrainingEpochsPerLayer = epochsPerLayer)).Fit(data);
            return MLNet.Autoencoders.Evaluation.ColumnReader.ReadVectors(t.Transform(data), "Latent");
        }
        Assert.True(SyntheticData.MaxAbsDifference(Latents(2), Latents(4)) > 1e-4f);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Autoencoder(Stacked(o => o.PretrainingEpochsPerLayer = 0)));
        Assert.Equal("PretrainingEpochsPerLayer", e.ParamName);
    }

    [Fact]
    public void Stacked_denoising_pretrains_tied_layers_too()
    {
        var ml = new MLContext(seed: 1);
        var options = new DenoisingAutoencoderOptions
        {
            OutputColumnName = "Latent", InputColumnName = "Features", LatentDimension = 3, HiddenLayerSizes = [16],
            Pretraining = Pretraining.GreedyLayerWise, PretrainingEpochsPerLayer = 3, Epochs = 2, BatchSize = 32,
            LearningRate = 1e-2, TiedWeights = true, Corruption = CorruptionKind.Masking,
        };
        using var t = ml.Transforms.DenoisingAutoencoder(options).Fit(SyntheticData.Load(ml, 200));
        Assert.Equal(3 + 3 + 2, t.TrainingHistory.Count);
        Assert.All(t.Weights.DecoderWeights, Assert.Null);
    }

    private sealed class Labelled
    {
        public float Label { get; set; }

        [VectorType(32)]
        public float[] Latent { get; set; } = [];
    }

    [Fact]
    public void Stacked_encoder_features_feed_an_MLNET_classifier_trained_on_few_labels()
    {
        var ml = new MLContext(seed: 1);
        var all = FashionMnist.LoadEmbeddedArrays(maxRows: 3000);
        var unlabelled = FashionMnist.ToDataView(ml, all.Slice(0, 2500));
        using var encoder = ml.Transforms.Autoencoder(new AutoencoderOptions
        {
            OutputColumnName = "Latent", InputColumnName = "Features", HiddenLayerSizes = [128], LatentDimension = 32,
            Pretraining = Pretraining.GreedyLayerWise, PretrainingEpochsPerLayer = 3, Epochs = 6, BatchSize = 64, LearningRate = 2e-3,
        }).Fit(unlabelled);

        // 20 labelled rows per class from the training rows; accuracy on 500 held-out rows.
        var labelledRows = Enumerable.Range(0, 2500).GroupBy(i => all.Labels[i]).SelectMany(g => g.Take(20)).Order().ToArray();
        var labelled = FashionMnist.ToDataView(ml, all.Select(labelledRows));
        var classifier = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Latent"))
            .Fit(encoder.Transform(labelled));
        var heldOut = encoder.Transform(FashionMnist.ToDataView(ml, all.Slice(2500, 500)));
        var metrics = ml.MulticlassClassification.Evaluate(classifier.Transform(heldOut));
        Assert.Equal(200, labelledRows.Length);
        Assert.True(metrics.MicroAccuracy > 0.6, $"accuracy {metrics.MicroAccuracy:F3}");
    }
}
