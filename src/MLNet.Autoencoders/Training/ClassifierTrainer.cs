using System.Diagnostics;
using MLNet.Autoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>The result of training a classifier: its weights, the epochs run and the kept one.</summary>
internal sealed record ClassifierTrainingResult(ClassifierWeights Weights, IReadOnlyList<ClassifierEpochReport> History, int BestEpoch, int TrainLabelledRows, int ValidationRows);

/// <summary>
/// Trains a <see cref="ClassifierNetwork"/> from a pretrained autoencoder on rows of which some carry a class.
/// An epoch is one pass over all rows in batches of <see cref="ClassifierSettings.BatchSize"/> (the same number of steps
/// in every mode); each step also takes the next <see cref="ClassifierSettings.LabelledBatchSize"/> labelled rows,
/// cycling through them in a fresh order each time round. Encoder and decoder learn at the encoder rate, the head at its own.
/// The teacher methods also keep a second network, the moving average of the first, which is what they return.
/// </summary>
internal static class ClassifierTrainer
{
    private const int EvaluationBatchSize = 1024;

    /// <summary>Trains. <paramref name="features"/> holds all rows (rows × columns, row-major, possibly longer);
    /// <paramref name="labels"/> gives per row the class index from 0, or -1 for a row without a label.</summary>
    public static ClassifierTrainingResult Train(float[] features, int rows, int columns, int[] labels, int classes, MlpWeights pretrained,
        ClassifierSettings settings, Action<ClassifierEpochReport> report, Action checkAlive)
    {
        using var keepFreedMemory = NativeMemory.KeepFreedMemoryWhileTraining();
        var random = new Random(settings.Seed);
        var labelled = Enumerable.Range(0, rows).Where(i => labels[i] >= 0).Select(i => (long)i).ToArray();
        InMemoryTrainingRows.Shuffle(labelled, random);
        int validationCount = (int)Math.Floor(labelled.Length * settings.ValidationFraction);
        if (validationCount > 0 && validationCount == labelled.Length) validationCount--;
        var validation = labelled[..validationCount];
        var train = labelled[validationCount..];

        using var scope = torch.NewDisposeScope();
        var all = torch.tensor(features.Length == rows * columns ? features : features.AsSpan(0, rows * columns).ToArray(), [rows, columns]);
        var labelTensor = torch.tensor(labels.Select(l => (long)l).ToArray());
        var classWeights = settings.ClassWeights is { } w ? torch.tensor(w) : null;
        using var min = all.min();
        using var max = all.max();
        float low = min.item<float>(), high = max.item<float>();

        using var initGenerator = new Generator((ulong)(uint)settings.Seed);
        using var noiseGenerator = new Generator((ulong)(uint)settings.Seed + 2);
        using var dropoutGenerator = new Generator((ulong)(uint)settings.Seed + 3);
        bool withDecoder = settings.UsesAllRows && settings.ReconstructionWeight > 0;
        using var network = new ClassifierNetwork(pretrained, settings.HeadHiddenLayerSizes, classes, withDecoder, initGenerator, settings.Dropout, dropoutGenerator);
        // The teacher starts as a copy of the classifier (head included) and follows it; it is what training keeps.
        using var teacher = settings.UsesTeacher
            ? new ClassifierNetwork(pretrained, settings.HeadHiddenLayerSizes, classes, withDecoder: false, initGenerator, settings.Dropout, dropoutGenerator)
            : null;
        teacher?.FollowAsTeacher(network, decay: 0);
        var kept = teacher ?? network;
        using var autoencoderOptimizer = optim.Adam(network.AutoencoderParameters(), settings.EncoderLearningRate);
        using var headOptimizer = optim.Adam(network.HeadParameters(), settings.HeadLearningRate);
        using var tracker = new BestEpochTracker(kept, settings.EarlyStoppingPatience, validation.Length > 0);

        int stepsPerEpoch = (rows + settings.BatchSize - 1) / settings.BatchSize;
        long totalSteps = (long)stepsPerEpoch * settings.Epochs;
        long step = 0;
        var labelledOrder = (long[])train.Clone();
        int labelledPosition = labelledOrder.Length;
        var allOrder = Enumerable.Range(0, rows).Select(i => (long)i).ToArray();
        var history = new List<ClassifierEpochReport>();
        network.train();
        teacher?.train();
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            if (settings.UsesAllRows) InMemoryTrainingRows.Shuffle(allOrder, random);
            double lossSum = 0, crossEntropySum = 0;
            for (int s = 0; s < stepsPerEpoch; s++)
            {
                checkAlive();
                using var stepScope = torch.NewDisposeScope();
                var labelledBatch = NextLabelled(labelledOrder, ref labelledPosition, settings.LabelledBatchSize, random);
                using var labelledIndex = torch.tensor(labelledBatch);
                var xl = all.index_select(0, labelledIndex);
                var yl = labelTensor.index_select(0, labelledIndex);
                Tensor? xu = null;
                if (settings.UsesAllRows)
                {
                    int start = s * settings.BatchSize;
                    var batch = allOrder.AsSpan(start, Math.Min(settings.BatchSize, rows - start)).ToArray();
                    xu = all.index_select(0, torch.tensor(batch));
                }
                double rampUp = Math.Min(1.0, (double)step / Math.Max(1.0, ClassifierSettings.RampUpShare * totalSteps));
                var (loss, crossEntropy) = StepLoss(network, teacher, settings, xl, yl, xu, classWeights, rampUp, noiseGenerator, random, low, high);
                Gradients.Clear(autoencoderOptimizer);
                Gradients.Clear(headOptimizer);
                loss.backward();
                FusedAdam.Step(autoencoderOptimizer);
                FusedAdam.Step(headOptimizer);
                teacher?.FollowAsTeacher(network, Math.Min(settings.TeacherDecay, (step + 1.0) / (step + 10.0)));
                lossSum += loss.item<float>();
                crossEntropySum += crossEntropy.item<float>();
                step++;
                NativeMemory.AfterStep(step);
            }
            NativeMemory.ReleaseAfterEpoch();
            watch.Stop();
            double trainLoss = lossSum / stepsPerEpoch;
            if (!double.IsFinite(trainLoss))
                throw new InvalidOperationException(
                    $"Training diverged in epoch {epoch}: the training loss became {trainLoss}. Lower the learning rates (encoder {settings.EncoderLearningRate}, head {settings.HeadLearningRate}) or normalize the input.");
            double? accuracy = validation.Length == 0 ? null : Accuracy(kept, all, validation, labels);
            bool isBest = tracker.Update(epoch, accuracy is double a ? 1 - a : trainLoss);
            var epochReport = new ClassifierEpochReport(epoch, settings.Epochs, trainLoss, crossEntropySum / stepsPerEpoch, accuracy, watch.Elapsed, isBest);
            history.Add(epochReport);
            report(epochReport);
            if (tracker.ShouldStop) break;
        }
        tracker.RestoreBest();
        return new ClassifierTrainingResult(kept.ExportWeights(), history, tracker.BestEpoch, train.Length, validation.Length);
    }

    /// <summary>The loss to minimise for one step, and its cross-entropy part.</summary>
    private static (Tensor Loss, Tensor CrossEntropy) StepLoss(ClassifierNetwork network, ClassifierNetwork? teacher, ClassifierSettings settings,
        Tensor xl, Tensor yl, Tensor? xu, Tensor? classWeights, double rampUp, Generator noiseGenerator, Random random, float low, float high)
    {
        int nl = (int)xl.shape[0];
        // Laine and Aila's ramp-up of the unsupervised weight, exp(-5 (1 - t)²) over the first RampUpShare of the steps.
        double rampedWeight = settings.UnlabelledWeight * Math.Exp(-5 * (1 - rampUp) * (1 - rampUp));
        switch (settings.Method)
        {
            case SemiSupervisedMethod.MeanTeacher:
            case SemiSupervisedMethod.InterpolationConsistency:
            {
                // The labelled rows (corrupted) and the unlabelled term's student input go through the classifier together.
                var noisyLabelled = settings.Corruption.Apply(xl, noiseGenerator, low, high);
                Tensor studentInput, target;
                if (settings.Method == SemiSupervisedMethod.MeanTeacher)
                {
                    studentInput = settings.Corruption.Apply(xu!, noiseGenerator, low, high);
                    using var noGrad = torch.no_grad();
                    using var teacherInput = settings.Corruption.Apply(xu!, noiseGenerator, low, high);
                    target = nn.functional.softmax(teacher!.forward(teacherInput), 1);
                }
                else
                {
                    // Mixup of each unlabelled row with another of the batch, one λ per step (as ICT's code).
                    float lambda = (float)Beta(random, settings.MixupAlpha);
                    using var partner = torch.randperm(xu!.shape[0], generator: noiseGenerator);
                    studentInput = xu! * lambda + xu!.index_select(0, partner) * (1 - lambda);
                    using var noGrad = torch.no_grad();
                    using var teacherProbabilities = nn.functional.softmax(teacher!.forward(xu!), 1);
                    target = teacherProbabilities * lambda + teacherProbabilities.index_select(0, partner) * (1 - lambda);
                }
                var z = network.Encode(torch.cat([noisyLabelled, studentInput], 0));
                var logits = network.Classify(z);
                var ce = nn.functional.cross_entropy(logits.narrow(0, 0, nl), yl, classWeights);
                var studentProbabilities = nn.functional.softmax(logits.narrow(0, nl, logits.shape[0] - nl), 1);
                var consistency = (studentProbabilities - target).square().sum(1).mean();
                var loss = ce + rampedWeight * consistency;
                if (network.HasDecoder)
                {
                    // Rebuild the clean rows from their corrupted copies (mean teacher), or the mixes themselves (ICT).
                    var rebuilt = settings.Method == SemiSupervisedMethod.MeanTeacher ? xu! : studentInput;
                    loss = loss + settings.ReconstructionWeight * MlpTrainer.Loss(network.Decode(z.narrow(0, nl, z.shape[0] - nl)), rebuilt, settings.Loss, network.OutputActivation);
                }
                return (loss, ce);
            }
            case SemiSupervisedMethod.FineTune:
            {
                var ce = nn.functional.cross_entropy(network.forward(xl), yl, classWeights);
                return (ce, ce);
            }
            case SemiSupervisedMethod.Joint:
            {
                var mixed = torch.cat([xl, xu!], 0);
                var z = network.Encode(mixed);
                var ce = nn.functional.cross_entropy(network.Classify(z.narrow(0, 0, nl)), yl, classWeights);
                if (!network.HasDecoder) return (ce, ce);
                var reconstruction = MlpTrainer.Loss(network.Decode(z), mixed, settings.Loss, network.OutputActivation);
                return (ce + settings.ReconstructionWeight * reconstruction, ce);
            }
            default:
            {
                var ce = nn.functional.cross_entropy(network.forward(xl), yl, classWeights);
                Tensor target;
                using (torch.no_grad())
                    target = nn.functional.softmax(network.forward(xu!), 1);
                var corrupted = settings.Corruption.Apply(xu!, noiseGenerator, low, high);
                var z = network.Encode(corrupted);
                var logits = network.Classify(z);
                Tensor unsupervised;
                double weight;
                if (settings.Method == SemiSupervisedMethod.Consistency)
                {
                    // Soft cross-entropy against the clean copy's probabilities (the gradient of the KL divergence), ramped up
                    // with Laine and Aila's exp(-5 (1 - t)²).
                    unsupervised = -(target * nn.functional.log_softmax(logits, 1)).sum(1).mean();
                    weight = rampedWeight;
                }
                else
                {
                    var (confidence, pseudoLabels) = target.max(1);
                    var mask = (confidence >= settings.ConfidenceThreshold).to_type(ScalarType.Float32);
                    unsupervised = (nn.functional.cross_entropy(logits, pseudoLabels, reduction: nn.Reduction.None) * mask).mean();
                    weight = settings.UnlabelledWeight;
                }
                var loss = ce + weight * unsupervised;
                if (network.HasDecoder)
                    loss = loss + settings.ReconstructionWeight * MlpTrainer.Loss(network.Decode(z), xu!, settings.Loss, network.OutputActivation);
                return (loss, ce);
            }
        }
    }

    /// <summary>A draw from Beta(α, α): X / (X + Y) with X, Y ~ Gamma(α) (Marsaglia and Tsang's method; for α &lt; 1 a
    /// Gamma(α + 1) draw times U^(1/α)).</summary>
    internal static double Beta(Random random, double alpha)
    {
        double x = Gamma(random, alpha), y = Gamma(random, alpha);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    private static double Gamma(Random random, double alpha)
    {
        if (alpha < 1) return Gamma(random, alpha + 1) * Math.Pow(1 - random.NextDouble(), 1 / alpha);
        double d = alpha - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                // A standard normal from two uniforms (Box–Muller).
                x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>The next labelled batch: the labelled rows in a fresh order each time round, cycling.</summary>
    private static long[] NextLabelled(long[] order, ref int position, int batchSize, Random random)
    {
        var batch = new long[Math.Min(batchSize, order.Length)];
        for (int i = 0; i < batch.Length; i++)
        {
            if (position >= order.Length)
            {
                InMemoryTrainingRows.Shuffle(order, random);
                position = 0;
            }
            batch[i] = order[position++];
        }
        return batch;
    }

    private static double Accuracy(ClassifierNetwork network, Tensor all, long[] rows, int[] labels)
    {
        network.eval();
        try
        {
            using var noGrad = torch.no_grad();
            int correct = 0;
            for (int start = 0; start < rows.Length; start += EvaluationBatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var chunk = rows.AsSpan(start, Math.Min(EvaluationBatchSize, rows.Length - start)).ToArray();
                var predicted = network.forward(all.index_select(0, torch.tensor(chunk))).argmax(1).data<long>().ToArray();
                for (int i = 0; i < chunk.Length; i++) if (predicted[i] == labels[chunk[i]]) correct++;
            }
            return (double)correct / rows.Length;
        }
        finally
        {
            network.train();
        }
    }
}
