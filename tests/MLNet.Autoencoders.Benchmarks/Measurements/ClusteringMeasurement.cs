using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;

namespace MLNet.Autoencoders.Benchmarks.Measurements;

/// <summary>
/// Deep clustering on the papers' protocol (DEC, IDEC, N2D): all 70,000 Fashion-MNIST images (train + test), k = 10,
/// accuracy after Hungarian matching, NMI and ARI against the true classes, with time and peak memory — beside
/// ../shared/reference/ref_downstream.py --part idec. Two phases, as the reference: the autoencoder the trainer would
/// pretrain with these options (timed, then k-means on its latent: "AE + k-means"), then the deep-clustering trainer
/// started from it (<see cref="DeepClusteringOptions.PretrainedAutoencoder"/>).
/// Options: --rows N (first N of the 70k; default all), --pretrain-epochs, --cluster-epochs, --corruption masking|gaussian,
/// --noise, --seed (default 0), --threads, --initialization manifold|kmeans, --neighbors N, --run-selection largestmodularity|smallestdaviesbouldin, --save-latent PATH (the
/// pretrained latent as little-endian float32 rows, then the labels as bytes, for checking the layout against umap-learn),
/// --layout-runs N (instead of the start and the clustering phase: every k-means run on N layouts with its modularity,
/// Davies–Bouldin index, accuracy, NMI and cluster sizes), --imbalance R (class c keeps the fraction R^(c/9) of its rows), --start-only (stop after the manifold start),
/// --autoencoder PATH (save the pretrained autoencoder there, or, when the file exists, start from it untimed: for trying
/// clustering-phase options on one pretraining), --balanced true|false (<see cref="DeepClusteringOptions.BalancedClusters"/>).
/// Also measures the manifold start alone (N2D's clusters on the pretrained latent, before the clustering phase).
/// </summary>
internal static class ClusteringMeasurement
{
    public static JsonObject Run(BenchmarkArgs args)
    {
        int seed = args.GetInt("--seed", 0);
        var mlContext = new MLContext(seed: seed);
        var train = FashionMnist.LoadDirectoryArrays(args.DataDirectory, train: true);
        var test = FashionMnist.LoadDirectoryArrays(args.DataDirectory, train: false);
        int rows = Math.Min(args.GetInt("--rows", train.Count + test.Count), train.Count + test.Count);
        var all = new FashionMnistData([.. train.Features, .. test.Features], [.. train.Labels, .. test.Labels]);
        if (rows < all.Count) all = all.Slice(0, rows);
        // --imbalance R: class c keeps the first R^(c/9) of its rows (class 0 all, class 9 a fraction R), so the true
        // clusters differ in size — for judging BalancedClusters where its assumption does not hold.
        if (args.GetOrNull("--imbalance") is { } imbalanceText)
        {
            double ratio = double.Parse(imbalanceText, System.Globalization.CultureInfo.InvariantCulture);
            var perClass = all.Labels.Select((label, index) => (label, index)).GroupBy(p => p.label).ToDictionary(g => g.Key, g => g.Select(p => p.index).ToArray());
            var kept = perClass.SelectMany(g => g.Value.Take((int)Math.Round(g.Value.Length * Math.Pow(ratio, g.Key / 9.0)))).Order().ToArray();
            all = all.Select(kept);
        }
        var truth = all.Labels.Select(l => (int)l).ToArray();
        var data = FashionMnist.ToDataView(mlContext, all);

        var defaults = new DeepClusteringOptions { NumberOfThreads = args.GetIntOrNull("--threads"), Seed = seed };
        defaults.PretrainingEpochs = args.GetInt("--pretrain-epochs", defaults.PretrainingEpochs);
        defaults.MaximumClusteringEpochs = args.GetInt("--cluster-epochs", defaults.MaximumClusteringEpochs);
        defaults.Initialization = Enum.Parse<DeepClusteringInitialization>(args.Get("--initialization", defaults.Initialization.ToString()), ignoreCase: true);
        defaults.ManifoldNeighbors = args.GetIntOrNull("--neighbors") ?? defaults.ManifoldNeighbors;
        defaults.ManifoldRunSelection = Enum.Parse<ManifoldRunSelection>(args.Get("--run-selection", defaults.ManifoldRunSelection.ToString()), ignoreCase: true);
        defaults.BalancedClusters = bool.Parse(args.Get("--balanced", defaults.BalancedClusters.ToString()));
        if (args.GetOrNull("--corruption") is { } corruption)
        {
            defaults.PretrainingCorruption = Enum.Parse<CorruptionKind>(corruption, ignoreCase: true);
            defaults.PretrainingNoiseLevel = double.Parse(args.Get("--noise", "0.2"), System.Globalization.CultureInfo.InvariantCulture);
        }
        var result = new JsonObject
        {
            ["kind"] = "clustering", ["implementation"] = "MLNet.Autoencoders", ["machine"] = MachineFacts.Describe(),
            ["rows"] = all.Count, ["imbalance"] = args.GetOrNull("--imbalance"), ["clusters"] = defaults.NumberOfClusters, ["seed"] = seed,
            ["architecture"] = $"784-{string.Join("-", defaults.HiddenLayerSizes)}-{defaults.LatentDimension}",
            ["pretraining_epochs"] = defaults.PretrainingEpochs, ["pretraining_corruption"] = defaults.PretrainingCorruption?.ToString(),
            ["pretraining_noise"] = defaults.PretrainingCorruption is null ? null : defaults.PretrainingNoiseLevel,
            ["max_clustering_epochs"] = defaults.MaximumClusteringEpochs, ["update_interval"] = defaults.UpdateInterval,
            ["gamma"] = defaults.ClusteringLossWeight, ["tolerance"] = defaults.Tolerance,
            ["initialization"] = defaults.Initialization.ToString(), ["manifold_neighbors"] = DeepClusteringTrainer.ManifoldNeighbors(defaults, all.Count), ["manifold_layouts"] = DeepClusteringTrainer.ManifoldLayouts(defaults, all.Count), ["manifold_run_selection"] = defaults.ManifoldRunSelection.ToString(),
            ["balanced"] = defaults.BalancedClusters,
        };
        result["class_sizes"] = new JsonArray(all.Labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => (JsonNode)g.Count()).ToArray());
        var cpuStart = ProcessStats.CpuReading.Now();

        // Phase 1: the autoencoder the trainer pretrains with these options.
        AutoencoderOptions pretraining = defaults.PretrainingCorruption is CorruptionKind kind
            ? new DenoisingAutoencoderOptions { Corruption = kind, NoiseStandardDeviation = defaults.PretrainingNoiseLevel, CorruptionFraction = defaults.PretrainingNoiseLevel }
            : new AutoencoderOptions();
        pretraining.InputColumnName = "Features";
        pretraining.OutputColumnName = defaults.LatentColumnName;
        pretraining.HiddenLayerSizes = defaults.HiddenLayerSizes;
        pretraining.LatentDimension = defaults.LatentDimension;
        pretraining.Epochs = defaults.PretrainingEpochs;
        pretraining.BatchSize = defaults.BatchSize;
        pretraining.LearningRate = defaults.LearningRate;
        pretraining.Seed = seed;
        pretraining.NumberOfThreads = defaults.NumberOfThreads;
        var epochSeconds = new JsonArray();
        pretraining.EpochCallback = r =>
        {
            epochSeconds.Add(r.Elapsed.TotalSeconds);
            Console.WriteLine($"[clustering] pretraining {r}; RSS {ProcessStats.RssMb:F0} MB");
        };
        var watch = Stopwatch.StartNew();
        string? autoencoderPath = args.GetOrNull("--autoencoder");
        bool reused = autoencoderPath is not null && File.Exists(autoencoderPath);
        using var autoencoder = reused
            ? AutoencoderTransformer.Load(mlContext, autoencoderPath!)
            : pretraining is DenoisingAutoencoderOptions denoising
                ? mlContext.Transforms.DenoisingAutoencoder(denoising).Fit(data)
                : mlContext.Transforms.Autoencoder(pretraining).Fit(data);
        if (reused)
        {
            // Not timed: the run is for the clustering phase only, and its total time is not comparable.
            result["pretrained_autoencoder"] = autoencoderPath;
            result["pretraining_seconds"] = 0.0;
            Console.WriteLine($"[clustering] reusing the autoencoder in {autoencoderPath} (pretraining not timed)");
        }
        else
        {
            result["pretraining_seconds"] = watch.Elapsed.TotalSeconds;
            result["pretraining_epoch_seconds"] = epochSeconds;
            result["pretraining_final_mse"] = autoencoder.TrainingHistory[^1].TrainLoss;
            if (autoencoderPath is not null)
                mlContext.Model.Save(autoencoder, data.Schema, autoencoderPath);
        }

        // AE + k-means (ML.NET's k-means on the pretrained latent).
        watch.Restart();
        // Cached: k-means reads its input many times, and the encoder would run on every pass.
        var latent = mlContext.Data.Cache(autoencoder.Transform(data));
        var kMeans = mlContext.Clustering.Trainers.KMeans(defaults.LatentColumnName, numberOfClusters: defaults.NumberOfClusters).Fit(latent);
        var kMeansLabels = kMeans.Transform(latent).GetColumn<uint>("PredictedLabel").Select(l => (int)l).ToArray();
        result["ae_kmeans"] = Metrics(truth, kMeansLabels, watch.Elapsed.TotalSeconds);
        Console.WriteLine($"[clustering] AE + k-means: {result["ae_kmeans"]!.ToJsonString()}");

        // The manifold start alone (UMAP layout + k-means on it): the trainer's computation with the trainer's seed (it draws
        // from seed + 1), but on the latent as ML.NET scores it, which differs from the trainer's own encoder pass in the last
        // bits; the layout is chaotic, so this row is a draw like the trainer's, not the trainer's start (README, deep
        // clustering). The trainer computes its own (about 70 s at 70k rows) and does not expose its labels.
        watch.Restart();
        float[] latentValues = ColumnReader.ReadVectors(latent, defaults.LatentColumnName).SelectMany(v => v).ToArray();
        if (args.GetOrNull("--save-latent") is { } latentPath)
        {
            using var file = new BinaryWriter(File.Create(latentPath));
            foreach (float value in latentValues) file.Write(value);
            file.Write(all.Labels);
            Console.WriteLine($"[clustering] wrote {all.Count} × {defaults.LatentDimension} latent and labels to {latentPath}");
        }
        if (args.GetIntOrNull("--layout-runs") is int layoutCount)
        {
            result["layout_runs"] = LayoutRuns(latentValues, all.Count, defaults, layoutCount, seed, truth);
            return result;
        }
        using (var latentTensor = TorchSharp.torch.tensor(latentValues).reshape(all.Count, defaults.LatentDimension))
        {
            var (_, _, startLabels) = Training.ManifoldStart.Fit(latentTensor, defaults.NumberOfClusters, DeepClusteringTrainer.ManifoldNeighbors(defaults, all.Count), DeepClusteringTrainer.ManifoldLayouts(defaults, all.Count), defaults.KMeansInitializations, defaults.ManifoldRunSelection, defaults.BalancedClusters, new Random(seed + 1), () => { });
            result["manifold_start"] = Metrics(truth, startLabels, watch.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"[clustering] manifold start: {result["manifold_start"]!.ToJsonString()}");

        if (args.Has("--start-only"))
        {
            return result;
        }

        // Phase 2: deep clustering from that autoencoder.
        var options = defaults;
        options.PretrainedAutoencoder = autoencoder;
        var updates = new JsonArray();
        options.UpdateCallback = u =>
        {
            updates.Add(new JsonObject { ["update"] = u.Update, ["iteration"] = u.Iteration, ["epoch"] = u.Epoch, ["changed"] = u.ChangedFraction, ["kl"] = u.ClusteringLoss, ["reconstruction"] = u.ReconstructionLoss, ["seconds"] = u.Elapsed.TotalSeconds });
            Console.WriteLine($"[clustering] {u}; RSS {ProcessStats.RssMb:F0} MB");
        };
        watch.Restart();
        using var model = mlContext.Clustering.Trainers.DeepClustering(options).Fit(data);
        double clusteringSeconds = watch.Elapsed.TotalSeconds;
        var labels = model.Transform(data).GetColumn<uint>("PredictedLabel").Select(l => (int)l).ToArray();
        result["deep_clustering"] = Metrics(truth, labels, clusteringSeconds);
        result["deep_clustering"]!["stopped"] = model.StopReason;
        result["updates"] = updates;
        result["total_seconds"] = (double)result["pretraining_seconds"]! + clusteringSeconds;
        result["peak_rss_mb"] = ProcessStats.PeakRssMb;
        result["foreign_cores"] = ProcessStats.CpuReading.Now().ForeignCoresSince(cpuStart);
        Console.WriteLine($"[clustering] deep clustering: {result["deep_clustering"]!.ToJsonString()}; peak RSS {ProcessStats.PeakRssMb:F0} MB");
        return result;
    }

    /// <summary>--layout-runs N: every k-means run of the manifold start on N layouts of the pretrained latent (layout r drawn
    /// from seed + 1 + 1000·r, so layout 0 is the start row's), each with the scores both <see cref="ManifoldRunSelection"/>
    /// criteria rank by, its accuracy and NMI and its cluster sizes (largest first): for judging a selection criterion on many partitions at once.</summary>
    private static JsonArray LayoutRuns(float[] latentValues, int rows, DeepClusteringOptions defaults, int layouts, int seed, int[] truth)
    {
        using var latent = TorchSharp.torch.tensor(latentValues).reshape(rows, defaults.LatentDimension);
        int k = defaults.NumberOfClusters;
        var graph = Training.ManifoldEmbedding.Graph(latent, DeepClusteringTrainer.ManifoldNeighbors(defaults, rows), () => { });
        var runs = new JsonArray();
        for (int layout = 0; layout < layouts; layout++)
        {
            var random = new Random(seed + 1 + 1000 * layout);
            using var layoutTensor = TorchSharp.torch.tensor(Training.ManifoldEmbedding.Layout(latent, graph, k, random, () => { })).reshape(rows, k);
            using var layout64 = layoutTensor.to_type(TorchSharp.torch.ScalarType.Float64);
            for (int run = 0; run < defaults.KMeansInitializations; run++)
            {
                // One run at a time from the same stream: the same runs, in the same order, as the start's.
                var (centres, inertia) = Training.LatentKMeans.Fit(layoutTensor, k, 1, random, () => { });
                using var centresTensor = TorchSharp.torch.tensor(centres).reshape(k, k);
                int[] labels = Training.LatentKMeans.Assign(layoutTensor, centresTensor);
                runs.Add(new JsonObject
                {
                    ["layout"] = layout, ["run"] = run, ["inertia"] = inertia, ["modularity"] = graph.Modularity(labels, k),
                    ["davies_bouldin"] = Training.LatentKMeans.DaviesBouldin(layout64, labels, k),
                    ["accuracy"] = ClusteringAgreement.Accuracy(truth, labels), ["nmi"] = ClusteringAgreement.NormalizedMutualInformation(truth, labels),
                    ["sizes"] = new JsonArray(labels.GroupBy(l => l).Select(g => g.Count()).OrderByDescending(c => c).Select(c => (JsonNode)c).ToArray()),
                });
            }
            Console.WriteLine($"[clustering] layout {layout}: {defaults.KMeansInitializations} runs");
        }
        return runs;
    }

    private static JsonObject Metrics(int[] truth, int[] predicted, double seconds) => new()
    {
        ["accuracy"] = ClusteringAgreement.Accuracy(truth, predicted),
        ["nmi"] = ClusteringAgreement.NormalizedMutualInformation(truth, predicted),
        ["ari"] = ClusteringAgreement.AdjustedRandIndex(truth, predicted),
        ["seconds"] = seconds,
    };
}
