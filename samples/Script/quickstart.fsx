// MLNet.Autoencoders from an F# script or a .NET notebook cell: paste it, or run it with
//     dotnet fsi samples/Script/quickstart.fsx [--rows N] [--epochs N] [--output DIR]
// It trains an autoencoder on the Fashion-MNIST test set that ships inside the library, clusters its latents with
// k-means, saves the pipeline, loads it back and checks the reloaded model scores the same.
// No build step runs for a script, so TorchSharp's native library is fixed up at run time when the system needs it
// (README: "Using it from a script or notebook").
#r "nuget: MLNet.Autoencoders, 0.1.0"

open System
open System.IO
open Microsoft.ML
open Microsoft.ML.Data
open MLNet.Autoencoders
open MLNet.Autoencoders.Data

let args = fsi.CommandLineArgs |> Array.skip 1
let option name fallback =
    match Array.tryFindIndex ((=) name) args with
    | Some i when i + 1 < args.Length -> args.[i + 1]
    | _ -> fallback
let rows = int (option "--rows" "10000")
let epochs = int (option "--epochs" "10")
let output = option "--output" (Path.Combine(Path.GetTempPath(), "mlnet-autoencoders-script"))
Directory.CreateDirectory output |> ignore

let mlContext = MLContext(seed = 1)
let data = mlContext.Data.TakeRows(FashionMnist.LoadEmbedded(mlContext), int64 rows)   // Label + Features (784 pixels in [0, 1])

// Progress per epoch arrives on mlContext.Log.
mlContext.Log.Add(fun e -> if e.Message.Contains "epoch" then printfn "%s" e.Message)

let pipeline =
    EstimatorChain()
        .Append(mlContext.Transforms.Autoencoder("Latent", "Features", latentDimension = 32, epochs = epochs))
        .Append(mlContext.Clustering.Trainers.KMeans("Latent", numberOfClusters = 10))
let model = pipeline.Fit data

let path = Path.Combine(output, "model.zip")
mlContext.Model.Save(model, data.Schema, path)
let mutable schema = null
let loaded = mlContext.Model.Load(path, &schema)                       // plain ML.NET: no TorchSharp needed to score

let latents (m: ITransformer) = m.Transform(data).GetColumn<float32[]>("Latent") |> Array.ofSeq
let before, after = latents model, latents loaded
let difference = Seq.zip before after |> Seq.collect (fun (a, b) -> Seq.map2 (fun x y -> abs (x - y)) a b) |> Seq.max
let metrics = mlContext.Clustering.Evaluate(loaded.Transform data, "Label", "Score", "Latent")
printfn "%d rows, %d epochs: saved %s; reloaded latents differ by at most %.1e; NMI of the k-means clusters %.3f"
    before.Length epochs path (float difference) metrics.NormalizedMutualInformation
if difference > 1e-5f then failwith "The reloaded model scores differently."
printfn "OK"
