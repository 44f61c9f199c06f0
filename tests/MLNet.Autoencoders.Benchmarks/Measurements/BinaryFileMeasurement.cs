using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// Writes the training set, <c>--copies N</c> times over, as an ML.NET binary IDataView file (<c>--binary-file PATH</c>):
/// the "data larger than memory" case that <see cref="AutoencoderOptionsBase.StreamTrainingData"/> is for.
/// </summary>
internal static class BinaryFileMeasurement
{
    public static JsonObject Run(BenchmarkArgs args)
    {
        string path = args.GetOrNull("--binary-file") ?? throw new ArgumentException("--binary-file PATH is required.");
        int copies = args.GetInt("--copies", 10);
        var mlContext = new MLContext(seed: 0);
        var train = TrainingData.Arrays(args, train: true, "mlp");
        IEnumerable<ImageRow> Rows()
        {
            var row = new ImageRow { Features = new float[FashionMnist.FeatureCount] };
            for (int c = 0; c < copies; c++)
            {
                for (int i = 0; i < train.Count; i++)
                {
                    train.GetFeatures(i).CopyTo(row.Features);
                    yield return row;
                }
            }
        }
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
            mlContext.Data.SaveAsBinary(mlContext.Data.LoadFromEnumerable(Rows()), stream, keepHidden: false);
        File.Move(temporary, path, overwrite: true);
        return new JsonObject
        {
            ["kind"] = "binary_file",
            ["path"] = path,
            ["rows"] = (long)copies * train.Count,
            ["file_mb"] = new FileInfo(path).Length / 1e6,
        };
    }
}
