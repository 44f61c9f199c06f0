using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Clustering;

/// <summary>Each public option of <see cref="DeepClusteringOptions"/> changes what Fit does.</summary>
public class DeepClusteringOptionTests
{
    private static (DeepClusteringTransformer Model, IDataView Data) Fit(Action<DeepClusteringOptions>? change = null, int rows = 300)
    {
        var ml = new MLContext(seed: 1);
        var data = SmallDeepClustering.Data(ml, rows);
        return (SmallDeepClustering.Fit(ml, data, change), data);
    }

    private static float[][] Latents(DeepClusteringTransformer model, IDataView data) => ColumnReader.ReadVectors(model.Transform(data), model.LatentColumnName);

    [Fact]
    public void Columns_clusters_and_network_shape_follow_the_options()
    {
        var ml = new MLContext(seed: 1);
        var arrays = FashionMnist.LoadEmbeddedArrays(300);
        var data = new MatrixDataView(arrays.Features, arrays.Count, 784, "Pixels");
        using var model = SmallDeepClustering.Fit(ml, data, o =>
        {
            o.FeatureColumnName = "Pixels";
            o.LatentColumnName = "Code";
            o.NumberOfClusters = 3;
            o.HiddenLayerSizes = [24, 12];
            o.LatentDimension = 5;
        });
        var scored = model.Transform(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 5), scored.Schema["Code"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["Score"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), scored.Schema["PredictedLabel"].Type);
        Assert.Equal([784, 24, 12, 5], model.Autoencoder.LayerSizes);
        Assert.Equal(3, model.GetCentres().Length);
        Assert.Null(scored.Schema.GetColumnOrNull("Latent"));
        Assert.Equal("Pixels", model.FeatureColumnName);
    }

    [Fact]
    public void Pretraining_epochs_and_callbacks_and_a_given_autoencoder()
    {
        int pretrainingReports = 0, updates = 0;
        var (model, data) = Fit(o =>
        {
            o.PretrainingEpochs = 3;
            o.PretrainingCallback = _ => pretrainingReports++;
            o.UpdateCallback = _ => updates++;
        });
        using (model)
        {
            Assert.Equal(3, pretrainingReports);
            Assert.Equal(3, model.PretrainingHistory.Count);
            Assert.Equal(model.ClusteringHistory.Count, updates);

            // Starting from a given autoencoder: no pretraining, its shape, and it is left unchanged.
            var ml = new MLContext(seed: 1);
            using var given = ml.Transforms.Autoencoder(new AutoencoderOptions
            {
                InputColumnName = "Features", OutputColumnName = "Latent", HiddenLayerSizes = [20], LatentDimension = 6, Epochs = 2,
            }).Fit(data);
            var givenLatent = ColumnReader.ReadVectors(given.Transform(data), "Latent");
            int reports = 0;
            using var fromGiven = SmallDeepClustering.Fit(ml, data, o => { o.PretrainedAutoencoder = given; o.PretrainingCallback = _ => reports++; });
            Assert.Equal(0, reports);
            Assert.Equal([784, 20, 6], fromGiven.Autoencoder.LayerSizes);
            Assert.Equal(2, fromGiven.PretrainingHistory.Count);
            Assert.Equal(givenLatent, ColumnReader.ReadVectors(given.Transform(data), "Latent"));
            Assert.True(SyntheticData.MaxAbsDifference(givenLatent, Latents(fromGiven, data)) > 1e-3f);
        }
    }

    [Fact]
    public void Update_interval_batch_size_maximum_epochs_and_tolerance_set_the_schedule()
    {
        // 300 rows in batches of 64: 5 iterations per epoch; 2 epochs = 10 iterations; tolerance 0 never stops early.
        var (t3, _) = Fit(o => { o.UpdateInterval = 3; o.Tolerance = 0; });
        var (t5, _) = Fit(o => { o.UpdateInterval = 5; o.Tolerance = 0; });
        var (b100, _) = Fit(o => { o.UpdateInterval = 100; o.BatchSize = 100; o.Tolerance = 0; o.MaximumClusteringEpochs = 3; });
        var (loose, _) = Fit(o => { o.UpdateInterval = 2; o.Tolerance = 0.99; });
        using (t3) using (t5) using (b100) using (loose)
        {
            Assert.Equal([0, 3, 6, 9, 10], t3.ClusteringHistory.Select(u => u.Iteration));
            Assert.Equal([0, 5, 10], t5.ClusteringHistory.Select(u => u.Iteration));
            Assert.Equal(9, b100.ClusteringHistory[^1].Iteration);  // 3 epochs × 3 batches
            Assert.Equal(3, b100.ClusteringHistory[^1].Epoch);
            Assert.Contains("maximum", t3.StopReason);
            // At the second update fewer than 99% of the rows changed: stop there.
            Assert.Equal([0, 2, 2], loose.ClusteringHistory.Select(u => u.Iteration));
            Assert.Contains("tolerance", loose.StopReason);
            Assert.Null(t3.ClusteringHistory[0].ChangedFraction);
            Assert.All(t3.ClusteringHistory.Skip(1), u => Assert.InRange(u.ChangedFraction!.Value, 0, 1));
        }
    }

    [Fact]
    public void The_final_update_counts_the_empty_clusters_of_the_model()
    {
        var (model, data) = Fit(o => o.NumberOfClusters = 6);
        using (model)
        {
            var used = model.Transform(data).GetColumn<uint>("PredictedLabel").Distinct().Count();
            Assert.Equal(6 - used, model.ClusteringHistory[^1].EmptyClusters);
        }
    }

    [Fact]
    public void Seed_learning_rate_loss_weight_and_corruption_change_the_model()
    {
        var (baseline, data) = Fit();
        var (same, _) = Fit();
        var variants = new (string Name, Action<DeepClusteringOptions> Change)[]
        {
            ("Seed", o => o.Seed = 4),
            ("LearningRate", o => o.LearningRate = 3e-3),
            ("ClusteringLossWeight", o => o.ClusteringLossWeight = 2),
            ("PretrainingCorruption", o => o.PretrainingCorruption = CorruptionKind.Masking),
            ("PretrainingNoiseLevel", o => { o.PretrainingCorruption = CorruptionKind.Masking; o.PretrainingNoiseLevel = 0.5; }),
        };
        using (baseline) using (same)
        {
            var reference = Latents(baseline, data);
            Assert.Equal(reference, Latents(same, data));
            var masked = (float[][]?)null;
            foreach (var (name, change) in variants)
            {
                var (model, _) = Fit(change);
                using (model)
                {
                    var latents = Latents(model, data);
                    Assert.True(SyntheticData.MaxAbsDifference(reference, latents) > 1e-4f, name);
                    if (name == "PretrainingCorruption") masked = latents;
                    if (name == "PretrainingNoiseLevel") Assert.True(SyntheticData.MaxAbsDifference(masked!, latents) > 1e-4f, name);
                }
            }
        }
    }

    [Fact]
    public void More_kmeans_starts_never_give_a_worse_start()
    {
        var (one, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.KMeansInitializations = 1; });
        var (eight, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.KMeansInitializations = 8; });
        using (one) using (eight)
        {
            Assert.True(eight.InitialKMeansInertia < one.InitialKMeansInertia, $"{eight.InitialKMeansInertia} vs {one.InitialKMeansInertia}");
        }
    }

    [Fact]
    public void Initialization_and_manifold_neighbors_choose_the_start()
    {
        var (manifold, data) = Fit(o => o.Initialization = DeepClusteringInitialization.Manifold);
        var (kMeans, _) = Fit(o => o.Initialization = DeepClusteringInitialization.KMeans);
        var (fewNeighbors, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.Manifold; o.ManifoldNeighbors = 4; });
        var (neighborsIgnored, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.ManifoldNeighbors = 4; });
        using (manifold) using (kMeans) using (fewNeighbors) using (neighborsIgnored)
        {
            Assert.Equal(DeepClusteringInitialization.Manifold, new DeepClusteringOptions().Initialization);
            Assert.NotEqual(manifold.InitialKMeansInertia, kMeans.InitialKMeansInertia);
            Assert.NotEqual(manifold.InitialKMeansInertia, fewNeighbors.InitialKMeansInertia);
            Assert.Equal(kMeans.InitialKMeansInertia, neighborsIgnored.InitialKMeansInertia);
            Assert.True(SyntheticData.MaxAbsDifference(Latents(manifold, data), Latents(kMeans, data)) > 1e-4f);
        }
    }

    [Fact]
    public void Manifold_layouts_and_neighbors_default_by_the_number_of_rows()
    {
        Assert.Null(new DeepClusteringOptions().ManifoldNeighbors);
        Assert.Equal(40, DeepClusteringTrainer.ManifoldNeighbors(new DeepClusteringOptions(), 10_000));
        Assert.Equal(20, DeepClusteringTrainer.ManifoldNeighbors(new DeepClusteringOptions(), 10_001));
        Assert.Equal(7, DeepClusteringTrainer.ManifoldNeighbors(new DeepClusteringOptions { ManifoldNeighbors = 7 }, 300));
        Assert.Null(new DeepClusteringOptions().ManifoldLayouts);
        Assert.Equal(3, DeepClusteringTrainer.ManifoldLayouts(new DeepClusteringOptions(), 10_000));
        Assert.Equal(1, DeepClusteringTrainer.ManifoldLayouts(new DeepClusteringOptions(), 10_001));
        Assert.Equal(2, DeepClusteringTrainer.ManifoldLayouts(new DeepClusteringOptions { ManifoldLayouts = 2 }, 70_000));
    }

    [Fact]
    public void Manifold_layouts_change_the_manifold_start_and_not_the_kmeans_start()
    {
        // One layout is the first of three, so the starts differ only when a later layout's run ranks first — on some seeds,
        // not all.
        var inertias = new List<string>();
        bool differed = false;
        for (int seed = 3; seed < 9 && !differed; seed++)
        {
            var (three, _) = Fit(o => { o.Seed = seed; o.Initialization = DeepClusteringInitialization.Manifold; o.ManifoldLayouts = 3; });
            var (one, _) = Fit(o => { o.Seed = seed; o.Initialization = DeepClusteringInitialization.Manifold; o.ManifoldLayouts = 1; });
            using (three) using (one)
            {
                inertias.Add($"seed {seed}: {three.InitialKMeansInertia} / {one.InitialKMeansInertia}");
                differed = three.InitialKMeansInertia != one.InitialKMeansInertia;
            }
        }
        Assert.True(differed, string.Join("; ", inertias));
        var (kMeansThree, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.ManifoldLayouts = 3; });
        var (kMeansOne, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.ManifoldLayouts = 1; });
        using (kMeansThree) using (kMeansOne)
            Assert.Equal(kMeansThree.InitialKMeansInertia, kMeansOne.InitialKMeansInertia);
    }

    [Fact]
    public void Manifold_run_selection_changes_the_manifold_start_and_not_the_kmeans_start()
    {
        var (modularity, data) = Fit(o => { o.Initialization = DeepClusteringInitialization.Manifold; o.KMeansInitializations = 10; o.NumberOfClusters = 8; o.ManifoldRunSelection = ManifoldRunSelection.LargestModularity; });
        var (daviesBouldin, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.Manifold; o.KMeansInitializations = 10; o.NumberOfClusters = 8; o.ManifoldRunSelection = ManifoldRunSelection.SmallestDaviesBouldin; });
        var (kMeans, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.KMeansInitializations = 10; o.NumberOfClusters = 8; o.ManifoldRunSelection = ManifoldRunSelection.LargestModularity; });
        var (kMeansIgnored, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.KMeansInitializations = 10; o.NumberOfClusters = 8; o.ManifoldRunSelection = ManifoldRunSelection.SmallestDaviesBouldin; });
        using (modularity) using (daviesBouldin) using (kMeans) using (kMeansIgnored)
        {
            Assert.Equal(ManifoldRunSelection.LargestModularity, new DeepClusteringOptions().ManifoldRunSelection);
            // Of ten runs on the layout into eight clusters, another one is kept, so the starting clusters and what training makes of them differ.
            Assert.NotEqual(modularity.InitialKMeansInertia, daviesBouldin.InitialKMeansInertia);
            Assert.True(SyntheticData.MaxAbsDifference(Latents(modularity, data), Latents(daviesBouldin, data)) > 1e-4f);
            Assert.Equal(kMeans.InitialKMeansInertia, kMeansIgnored.InitialKMeansInertia);
            Assert.Equal(Latents(kMeans, data), Latents(kMeansIgnored, data));
        }
    }

    [Fact]
    public void Balanced_clusters_change_the_manifold_start_and_not_the_kmeans_start()
    {
        var (plain, data) = Fit(o => o.Initialization = DeepClusteringInitialization.Manifold);
        var (balanced, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.Manifold; o.BalancedClusters = true; });
        var (kMeans, _) = Fit(o => o.Initialization = DeepClusteringInitialization.KMeans);
        var (kMeansBalanced, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.BalancedClusters = true; });
        using (plain) using (balanced) using (kMeans) using (kMeansBalanced)
        {
            Assert.False(new DeepClusteringOptions().BalancedClusters);
            // The start's clusters differ, so do their latent means (the starting centres) and what training makes of them.
            Assert.NotEqual(plain.InitialKMeansInertia, balanced.InitialKMeansInertia);
            Assert.True(SyntheticData.MaxAbsDifference(Latents(plain, data), Latents(balanced, data)) > 1e-4f);
            Assert.Equal(kMeans.InitialKMeansInertia, kMeansBalanced.InitialKMeansInertia);
            Assert.Equal(Latents(kMeans, data), Latents(kMeansBalanced, data));
        }
    }

    [Fact]
    public void The_manifold_start_holds_the_target_for_the_first_third_of_the_epochs()
    {
        // 5 iterations per epoch, an update every 2, tolerance 0.99 (the first comparison stops). The k-means start stops at
        // the second update; the manifold start holds its target through epoch 1 of 3 (updates at iterations 0, 2, 4) and
        // stops at the first update after it.
        var (kMeans, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.KMeans; o.UpdateInterval = 2; o.Tolerance = 0.99; o.MaximumClusteringEpochs = 3; });
        var (manifold, _) = Fit(o => { o.Initialization = DeepClusteringInitialization.Manifold; o.UpdateInterval = 2; o.Tolerance = 0.99; o.MaximumClusteringEpochs = 3; });
        using (kMeans) using (manifold)
        {
            Assert.Equal([0, 2, 2], kMeans.ClusteringHistory.Select(u => u.Iteration));
            Assert.Equal([0, 2, 4, 6, 6], manifold.ClusteringHistory.Select(u => u.Iteration));
            Assert.Contains("tolerance", manifold.StopReason);
            // While held the rows are not re-assigned (no changed fraction); the first update after the hold has one.
            Assert.Equal([null, null, null], manifold.ClusteringHistory.Take(3).Select(u => u.ChangedFraction));
            Assert.Contains("target held", manifold.ClusteringHistory[1].ToString());
            Assert.InRange(manifold.ClusteringHistory[3].ChangedFraction!.Value, 0, 0.99);
            Assert.NotNull(manifold.ClusteringHistory[1].ClusteringLoss);
        }
    }

    [Fact]
    public void Alpha_shapes_the_soft_assignment_from_the_scores()
    {
        foreach (double alpha in new[] { 1.0, 4.0 })
        {
            var (model, data) = Fit(o => { o.Alpha = alpha; o.SoftAssignmentColumnName = "Q"; });
            using (model)
            {
                var scored = model.Transform(data);
                var scores = ColumnReader.ReadVectors(scored, "Score");
                var q = ColumnReader.ReadVectors(scored, "Q");
                for (int i = 0; i < 20; i++)
                {
                    var kernel = scores[i].Select(d => Math.Pow(1 + d / alpha, -(alpha + 1) / 2)).ToArray();
                    for (int j = 0; j < kernel.Length; j++)
                        Assert.Equal(kernel[j] / kernel.Sum(), q[i][j], 4);
                }
            }
        }
    }

    [Fact]
    public void Number_of_threads_sets_torch_threads_and_a_canceled_token_stops_fit()
    {
        int before = TorchSharp.torch.get_num_threads();
        try
        {
            var (model, _) = Fit(o => { o.NumberOfThreads = 1; o.PretrainingEpochs = 1; o.MaximumClusteringEpochs = 1; }, rows: 100);
            model.Dispose();
            Assert.Equal(1, TorchSharp.torch.get_num_threads());
        }
        finally
        {
            TorchSharp.torch.set_num_threads(before);
        }
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() => Fit(o => o.CancellationToken = source.Token));
    }

    [Fact]
    public void The_log_names_the_start_and_its_run_selection()
    {
        string Logged(Action<DeepClusteringOptions> change)
        {
            var ml = new MLContext(seed: 1);
            var messages = new List<string>();
            ml.Log += (_, e) => { if (e.Message.Contains("Deep clustering of")) lock (messages) messages.Add(e.Message); };
            using var model = SmallDeepClustering.Fit(ml, SmallDeepClustering.Data(ml, 150), change);
            return Assert.Single(messages);
        }
        Assert.Contains("manifold start (40 neighbours, 3 layouts, SmallestDaviesBouldin run, target held 1 epochs)",
            Logged(o => { o.ManifoldRunSelection = ManifoldRunSelection.SmallestDaviesBouldin; o.MaximumClusteringEpochs = 3; o.ManifoldLayouts = null; }));
        Assert.Contains("manifold start (20 neighbours, 1 layout, LargestModularity run",
            Logged(o => { o.ManifoldLayouts = 1; o.ManifoldNeighbors = 20; }));
        Assert.Contains("k-means start", Logged(o => o.Initialization = DeepClusteringInitialization.KMeans));
    }

    [Fact]
    public void The_reflective_read_behind_Clustering_Trainers_still_works_in_this_MLNET()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("clustering update")) lock (messages) messages.Add(e.Message); };
        var (environment, transforms) = MLContextAccess.FromCatalog(ml.Clustering.Trainers);
        Assert.NotNull(environment);
        Assert.NotNull(transforms);
        using var model = SmallDeepClustering.Fit(ml, SmallDeepClustering.Data(ml, 150), o => o.Seed = null);
        Assert.Equal(model.ClusteringHistory.Count, messages.Count);
        // The seed comes from the MLContext when the options give none.
        using var again = SmallDeepClustering.Fit(new MLContext(seed: 1), SmallDeepClustering.Data(ml, 150), o => o.Seed = null);
        Assert.Equal(model.GetCentres(), again.GetCentres());
    }
}
