using Microsoft.ML;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>Training that goes wrong, or is stopped early, says so: for the plain and the denoising kind alike.</summary>
public class TrainingFailureTests
{
    /// <summary>Data centred on zero with a spread of a few units, so the output is linear and nothing bounds the loss.</summary>
    private static IDataView Unbounded(MLContext ml, int count = 200) =>
        SyntheticData.Load(ml, SyntheticData.Rows(count).Select(r => r.Select(v => v * 10 - 5).ToArray()).ToArray());

    [Theory]
    [InlineData(Kind.Plain, Pretraining.None)]
    [InlineData(Kind.Denoising, Pretraining.None)]
    [InlineData(Kind.Denoising, Pretraining.GreedyLayerWise)]
    public void A_learning_rate_that_blows_up_stops_training_naming_the_epoch_and_advising_a_lower_rate(Kind kind, Pretraining pretraining)
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<EpochReport>();
        var estimator = Kinds.Estimator(ml, kind, o =>
        {
            o.LearningRate = 1e12;
            o.Epochs = 20;
            o.Pretraining = pretraining;
            o.PretrainingEpochsPerLayer = 20;
            o.EpochCallback = reports.Add;
        });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(Unbounded(ml)));

        // The failing epoch is the one after the last reported (finite) one, in the same stage.
        string stage = pretraining == Pretraining.None ? "" : "pretraining layer 1 ";
        int epoch = reports.Count(r => r.Stage == (pretraining == Pretraining.None ? EpochReport.TrainingStage : "pretraining layer 1")) + 1;
        Assert.All(reports, r => Assert.True(double.IsFinite(r.TrainLoss)));
        Assert.Contains($"Training diverged in {stage}epoch {epoch}:", e.Message);
        Assert.Contains("Lower the learning rate (now 1000000000000)", e.Message);
    }

    [Theory]
    [InlineData(Kind.Plain, Pretraining.None)]
    [InlineData(Kind.Denoising, Pretraining.None)]
    [InlineData(Kind.Denoising, Pretraining.GreedyLayerWise)]
    public void Early_stopping_history_says_which_epoch_the_weights_came_from(Kind kind, Pretraining pretraining)
    {
        const int patience = 2, epochs = 40;
        var data = SyntheticData.Load(new MLContext(seed: 1), 120);
        // A learning rate this high makes the validation loss bounce, so improvement stalls quickly.
        var options = Kinds.Options(kind, o =>
        {
            o.Epochs = epochs;
            o.LearningRate = 0.05;
            o.BatchSize = 8;
            o.ValidationFraction = 0.25;
            o.EarlyStoppingPatience = patience;
            o.Seed = 3;
            o.Pretraining = pretraining;
            o.PretrainingEpochsPerLayer = 2;
        });
        using var stopped = Kinds.Estimator(new MLContext(seed: 1), options).Fit(data);

        var training = stopped.TrainingHistory.Where(h => h.Stage == EpochReport.TrainingStage).ToArray();
        Assert.True(training.Length < epochs, $"ran all {epochs} epochs: the test needs a run that stops early");
        Assert.Equal(Enumerable.Range(1, training.Length), training.Select(h => h.Epoch));
        // The best epoch is the one with the lowest validation loss, the last flagged IsBest, and the run stopped
        // exactly `patience` epochs after it.
        var best = training.MinBy(h => h.ValidationLoss)!;
        Assert.Equal(best.Epoch, stopped.BestEpoch);
        Assert.Equal(stopped.BestEpoch, training.Last(h => h.IsBest).Epoch);
        Assert.Equal(stopped.BestEpoch + patience, training.Length);
        Assert.All(training.Where(h => h.Epoch > stopped.BestEpoch), h => Assert.False(h.IsBest));
        if (pretraining == Pretraining.GreedyLayerWise)
            Assert.Equal(2 * 2, stopped.TrainingHistory.Count(h => h.Stage.StartsWith("pretraining", StringComparison.Ordinal)));

        // The weights are that epoch's: the same run cut at the best epoch gives the very same latents ...
        options.Epochs = stopped.BestEpoch;
        using var cut = Kinds.Estimator(new MLContext(seed: 1), options).Fit(data);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(
            ColumnReader.ReadVectors(stopped.Transform(data), "Latent"), ColumnReader.ReadVectors(cut.Transform(data), "Latent")));

        // ... and a saved and reloaded model still says which epoch that was.
        var ml = new MLContext();
        using var zip = new MemoryStream();
        ml.Model.Save(stopped, data.Schema, zip);
        zip.Position = 0;
        using var loaded = AutoencoderTransformer.Load(ml, zip);
        Assert.Equal(stopped.BestEpoch, loaded.BestEpoch);
        Assert.Equal(stopped.TrainingHistory.Select(h => (h.Stage, h.Epoch, h.IsBest, h.ValidationLoss)),
            loaded.TrainingHistory.Select(h => (h.Stage, h.Epoch, h.IsBest, h.ValidationLoss)));
    }
}
