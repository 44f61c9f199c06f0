using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Classification;

/// <summary>A saved autoencoder classifier is served by plain ML.NET in a process without this library or TorchSharp.</summary>
public class ClassifierServingTests
{
    [Fact]
    public async Task Zip_predicts_the_same_in_a_fresh_process_without_the_library_or_TorchSharp()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        // The default method (a teacher network kept as the model), with the latent written so its values can be compared too.
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o => o.LatentColumnName = "Latent")).Fit(train);
        var test = FewLabels.Test(ml);
        var scored = model.Transform(test);
        using var zip = new TempFile();
        using var expected = new TempFile(".json");
        ml.Model.Save(model, train.Schema, zip.Path);
        File.WriteAllText(expected.Path, JsonSerializer.Serialize(new
        {
            InputColumn = "Features",
            LatentColumn = "Latent",
            Rows = ColumnReader.ReadVectors(test, "Features"),
            Latents = ColumnReader.ReadVectors(scored, "Latent"),
            Labels = scored.GetColumn<uint>("PredictedLabel").ToArray(),
        }));

        // ServingOnly compares every row's latent (within 1e-5) and predicted key (exactly), by cursor and PredictionEngine.
        var (exit, output, errors) = await ServingOnlyProcess.Run(zip.Path, expected.Path);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.Contains("k-means labels differing: 0", output);
        Assert.Contains("OK: the zip scores the same", output);
    }
}
