// Loads a model zip saved by a pipeline that contains an MLNet.Autoencoders featurizer and scores rows with ML.NET only.
// This project references Microsoft.ML and Microsoft.ML.OnnxTransformer, not MLNet.Autoencoders or TorchSharp:
// the autoencoder inside the zip is an ONNX graph served by ML.NET's OnnxTransformer.
//
// Usage: dotnet run --project samples/ServingOnly -- <model.zip> [<expected.json>] [--quiet]
// expected.json (written by the Quickstart sample next to its model) holds input rows and the latents, and k-means
// labels, that the training process computed; the program checks it gets the same and exits 1 if not.
// --quiet prints nothing at all (the exit code tells): a test uses it to check that loading and scoring a saved model
// writes nothing to the console of an app that has set nothing up.
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

bool quiet = args.Contains("--quiet");
args = args.Where(a => a != "--quiet").ToArray();
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: ServingOnly <model.zip> [<expected.json>] [--quiet]");
    return 2;
}
var log = quiet ? TextWriter.Null : Console.Out;

var mlContext = new MLContext();
var model = mlContext.Model.Load(args[0], out var inputSchema);
log.WriteLine($"Loaded {args[0]}: {string.Join(", ", inputSchema.Select(c => $"{c.Name} {c.Type}"))}");
if (args.Length < 2) return 0;

var expected = JsonSerializer.Deserialize<Expected>(File.ReadAllText(args[1]))!;
int size = expected.Rows[0].Length;

// The input rows, as the zip's input schema wants them.
var definition = SchemaDefinition.Create(typeof(InputRow));
definition[0].ColumnName = expected.InputColumn;
definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
var data = mlContext.Data.LoadFromEnumerable(expected.Rows.Select(r => new InputRow { Features = r }), definition);

// Whole-data scoring through a cursor.
var scored = model.Transform(data);
var latentColumn = scored.Schema[expected.LatentColumn];
log.WriteLine($"Latent column '{latentColumn.Name}': {latentColumn.Type}");
var latents = new List<float[]>();
var labels = new List<uint>();
var hasLabel = scored.Schema.GetColumnOrNull("PredictedLabel") is not null;
using (var cursor = scored.GetRowCursor(hasLabel ? [latentColumn, scored.Schema["PredictedLabel"]] : [latentColumn]))
{
    var latentGetter = cursor.GetGetter<VBuffer<float>>(latentColumn);
    ValueGetter<uint>? labelGetter = hasLabel ? cursor.GetGetter<uint>(scored.Schema["PredictedLabel"]) : null;
    VBuffer<float> latent = default;
    uint label = 0;
    while (cursor.MoveNext())
    {
        latentGetter(ref latent);
        latents.Add(latent.DenseValues().ToArray());
        if (labelGetter is not null) { labelGetter(ref label); labels.Add(label); }
    }
}

// Single rows through a PredictionEngine.
var outputDefinition = SchemaDefinition.Create(typeof(OutputRow));
outputDefinition[0].ColumnName = expected.LatentColumn;
outputDefinition[0].ColumnType = latentColumn.Type;
var engine = mlContext.Model.CreatePredictionEngine<InputRow, OutputRow>(model, inputSchemaDefinition: definition, outputSchemaDefinition: outputDefinition);
float engineDiff = 0;
for (int i = 0; i < Math.Min(10, expected.Rows.Length); i++)
{
    var prediction = engine.Predict(new InputRow { Features = expected.Rows[i] });
    engineDiff = Math.Max(engineDiff, prediction.Latent.Zip(latents[i], (a, b) => Math.Abs(a - b)).Max());
}

float maxDiff = 0;
for (int i = 0; i < latents.Count; i++)
    for (int j = 0; j < latents[i].Length; j++)
        maxDiff = Math.Max(maxDiff, Math.Abs(latents[i][j] - expected.Latents[i][j]));
int labelMismatches = expected.Labels is null || !hasLabel ? 0 : labels.Where((l, i) => l != expected.Labels[i]).Count();

log.WriteLine($"{latents.Count} rows: max |latent - expected| = {maxDiff:E2}; PredictionEngine vs cursor = {engineDiff:E2}; " +
    (expected.Labels is null ? "no k-means labels to compare" : $"k-means labels differing: {labelMismatches}"));
bool ok = latents.Count == expected.Rows.Length && maxDiff <= 1e-5f && engineDiff <= 1e-5f && labelMismatches == 0;
log.WriteLine(ok ? "OK: the zip scores the same without MLNet.Autoencoders." : "MISMATCH");
return ok ? 0 : 1;

internal sealed class InputRow
{
    public float[] Features { get; set; } = [];
}

internal sealed class OutputRow
{
    public float[] Latent { get; set; } = [];
}

internal sealed class Expected
{
    public string InputColumn { get; set; } = "Features";
    public string LatentColumn { get; set; } = "Latent";
    public float[][] Rows { get; set; } = [];
    public float[][] Latents { get; set; } = [];
    public uint[]? Labels { get; set; }
}
