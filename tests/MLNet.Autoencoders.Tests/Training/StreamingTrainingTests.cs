using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Training;

public class StreamingTrainingTests
{
    /// <summary>Counts the cursors opened on a data view: how many passes training made over it.</summary>
    private sealed class CountingDataView(IDataView inner) : IDataView
    {
        public int Cursors;
        public bool CanShuffle => false;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => null;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            Interlocked.Increment(ref Cursors);
            return inner.GetRowCursor(columnsNeeded, rand);
        }
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];
    }

    private static double HeldOutError(AutoencoderTransformer model, IDataView heldOut) =>
        model.Transform(heldOut).GetColumn<float[]>("Error").Average(e => (double)e[0]);

    [Fact]
    public void Streaming_reads_the_data_every_epoch_and_learns_as_well_as_in_memory()
    {
        var ml = new MLContext(seed: 1);
        var counting = new CountingDataView(SyntheticData.Load(ml, 600));
        var heldOut = SyntheticData.Load(ml, 200, seed: 8);
        var options = Small.Options(o => { o.Epochs = 6; o.ReconstructionErrorColumnName = "Error"; o.Seed = 2; });
        using var inMemory = ml.Transforms.Autoencoder(options).Fit(counting);
        Assert.Equal(1, counting.Cursors);

        counting.Cursors = 0;
        options.StreamTrainingData = true;
        options.ShuffleBufferRows = 128;
        using var streamed = ml.Transforms.Autoencoder(options).Fit(counting);
        Assert.Equal(1 + 6, counting.Cursors);   // one scan, then one pass per epoch
        Assert.Equal(6, streamed.TrainingHistory.Count);

        double memoryError = HeldOutError(inMemory, heldOut), streamedError = HeldOutError(streamed, heldOut);
        Assert.True(streamedError < 1.3 * memoryError, $"streamed {streamedError:G4} vs in memory {memoryError:G4}");
        Assert.True(streamed.TrainingHistory[^1].TrainLoss < streamed.TrainingHistory[0].TrainLoss);
    }

    [Fact]
    public void Streaming_with_validation_is_seeded_and_holds_out_the_same_rows_each_epoch()
    {
        float[][] Fit(int shuffleBuffer)
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.Load(ml, 400);
            using var model = ml.Transforms.Autoencoder(Small.Options(o =>
            {
                o.StreamTrainingData = true;
                o.ShuffleBufferRows = shuffleBuffer;
                o.ValidationFraction = 0.25;
                o.Seed = 4;
            })).Fit(data);
            Assert.All(model.TrainingHistory, h => Assert.NotNull(h.ValidationLoss));
            return ColumnReader.ReadVectors(model.Transform(data), "Latent");
        }
        var a = Fit(64);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(a, Fit(64)));
        // The buffer size is an option that matters: it changes which rows share a batch.
        Assert.True(SyntheticData.MaxAbsDifference(a, Fit(16)) > 1e-4);
    }

    [Fact]
    public void Streaming_trains_a_VAE_too()
    {
        var ml = new MLContext(seed: 1);
        var counting = new CountingDataView(SyntheticData.Load(ml, 300));
        using var vae = ml.Transforms.Vae(Vae.SmallVae.Options(o => { o.StreamTrainingData = true; o.ShuffleBufferRows = 50; o.Epochs = 3; })).Fit(counting);
        Assert.Equal(1 + 3, counting.Cursors);
        Assert.True(vae.TrainingHistory[^1].NegativeElbo < vae.TrainingHistory[0].NegativeElbo);
    }

    [Fact]
    public void Streaming_checks_the_data_in_its_first_pass_and_refuses_what_it_cannot_do()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(40);
        rows[7][3] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.StreamTrainingData = true)).Fit(SyntheticData.Load(ml, rows)));
        Assert.Contains("NaN value in row 7", e.Message);
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.ShuffleBufferRows = 0))).Message);
        Assert.Contains("cannot be combined with StreamTrainingData", Assert.Throws<ArgumentException>(() =>
            ml.Transforms.Autoencoder(Small.Options(o => { o.StreamTrainingData = true; o.Pretraining = Pretraining.GreedyLayerWise; }))).Message);
    }
}
