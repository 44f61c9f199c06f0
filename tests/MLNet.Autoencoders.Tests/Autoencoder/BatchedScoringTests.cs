using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Autoencoder;

/// <summary>Transform runs only the part of the graph the requested columns need (issue 8: featurization speed).</summary>
public class BatchedScoringTests
{
    [Fact]
    public void Reading_only_the_latent_runs_the_encoder_alone_and_gives_the_same_latents()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        using var model = ml.Transforms.Autoencoder(Small.Options(o => { o.ReconstructionColumnName = "Rebuilt"; o.ReconstructionErrorColumnName = "Error"; })).Fit(data);

        int encoderOnly = model.Scorer.NodesRunFor("latent");
        int everything = model.Scorer.NodesRunFor("latent", "reconstruction", "reconstruction_error");
        Assert.True(encoderOnly * 2 <= everything, $"latent alone ran {encoderOnly} nodes, every output {everything}");

        var output = model.Transform(data);
        var latentAlone = output.GetColumn<float[]>("Latent").ToArray();          // a cursor that asks for the latent only
        // A cursor that asks for every output column: the whole graph runs, and the latents must not change.
        using var cursor = output.GetRowCursor(output.Schema.Where(c => c.Name is "Latent" or "Rebuilt" or "Error"));
        var getter = cursor.GetGetter<VBuffer<float>>(output.Schema["Latent"]);
        var value = default(VBuffer<float>);
        int rows = 0;
        for (; cursor.MoveNext(); rows++)
        {
            getter(ref value);
            Assert.Equal(latentAlone[rows], value.DenseValues().ToArray());
        }
        Assert.Equal(latentAlone.Length, rows);
    }
}
