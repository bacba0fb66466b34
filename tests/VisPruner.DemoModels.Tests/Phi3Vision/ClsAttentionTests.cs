using System.Drawing;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VisPruner.DemoModels;
using VisPruner.Imaging.Phi3Vision;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;
using VisPruner.Scenes;
using Xunit.Abstractions;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>
/// The trained vision encoder's [CLS] attention (the signal VisPruner ranks tokens by) falls on the items: on held-out
/// scenes with known item boxes, the share of [CLS] attention on patches touching an item is far above those patches'
/// share of the crop.
/// </summary>
public sealed class ClsAttentionTests(TrainedModelFolder model, ITestOutputHelper output) : IClassFixture<TrainedModelFolder>
{
    private const int Scenes = 12, Crop = 336, Patch = 14, Side = Crop / Patch;

    [Fact]
    public void Cls_attention_concentrates_on_item_patches()
    {
        FashionMnist images = SceneSets.TestImages(null);
        var recipe = new SceneRecipe(images, SceneSets.HeldOutSeed);
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = model.Options.NumCrops });
        using InferenceSession session = VisionWithClsAttention();
        double attentionShare = 0, areaShare = 0;
        int crops = 0;
        for (int index = 0; index < Scenes; index++)
        {
            Scene scene = recipe.Generate(index);
            Phi3VisionInputs inputs = processor.Process(SceneRenderer.Render(scene, images));
            Phi3VisionImageGeometry geometry = processor.GetGeometry(scene.Width, scene.Height);
            float[] attention = ClsAttention(session, inputs, out int heads);
            Phi3VisionImageLayout layout = inputs.Layouts[0];
            for (int crop = 0; crop <= layout.CropCount; crop++)
            {
                bool[] onItem = ItemPatches(scene, geometry, layout, crop);
                int itemPatches = onItem.Count(b => b);
                if (itemPatches == 0)
                {
                    continue;
                }

                double onItems = 0, total = 0;
                for (int patch = 0; patch < Side * Side; patch++)
                {
                    double a = 0;
                    for (int h = 0; h < heads; h++)
                    {
                        a += attention[(((crop * heads) + h) * 577) + 1 + patch] / heads;
                    }

                    total += a;
                    onItems += onItem[patch] ? a : 0;
                }

                attentionShare += onItems / total;
                areaShare += itemPatches / (double)(Side * Side);
                crops++;
            }
        }

        attentionShare /= crops;
        areaShare /= crops;
        output.WriteLine($"{crops} crops with items: mean share of [CLS] attention on item patches {attentionShare:P1}, their mean share of the area {areaShare:P1}");
        Assert.True(attentionShare >= 4 * areaShare,
            $"[CLS] attention on item patches {attentionShare:P1} vs their area {areaShare:P1}.");
    }

    // The vision graph with the last encoder layer's softmax (the attention probabilities) as an extra output.
    private InferenceSession VisionWithClsAttention()
    {
        ModelProto vision = OnnxModelFile.Load(Path.Combine(model.Path, TinyPhi3VisionModel.VisionFileName), loadExternalData: true);
        vision.Graph.ExposeAsOutput($"/vision_model/encoder/layers.{model.Options.VisionLayers - 2}/self_attn/Softmax_output_0");
        return new InferenceSession(OnnxModelFile.ToBytes(vision));
    }

    // [crops, heads, 577]: the [CLS] query's row of the attention probabilities.
    private static float[] ClsAttention(InferenceSession session, Phi3VisionInputs inputs, out int heads)
    {
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("pixel_values", new DenseTensor<float>(inputs.PixelValues, [.. inputs.PixelValuesShape.Select(d => (int)d)])),
            NamedOnnxValue.CreateFromTensor("image_sizes", new DenseTensor<long>(inputs.ImageSizes.ToArray(), [1, 2])),
        ]);
        var probabilities = (DenseTensor<float>)results[1].AsTensor<float>();
        int crops = probabilities.Dimensions[0];
        heads = probabilities.Dimensions[1];
        var rows = new float[crops * heads * 577];
        for (int c = 0; c < crops; c++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int k = 0; k < 577; k++)
                {
                    rows[(((c * heads) + h) * 577) + k] = probabilities[c, h, 0, k];
                }
            }
        }

        return rows;
    }

    // Patches of one crop (0 = global view, then sub-crops row by row) that overlap an item's visible box.
    private static bool[] ItemPatches(Scene scene, Phi3VisionImageGeometry geometry, Phi3VisionImageLayout layout, int crop)
    {
        // A patch's canvas rectangle: the global view spans the whole canvas, a sub-crop its 336 x 336 square.
        (double x0, double y0, double kx, double ky) = crop == 0
            ? (0, 0, layout.Width / (double)Crop, layout.Height / (double)Crop)
            : (((crop - 1) % layout.CropColumns) * Crop, ((crop - 1) / layout.CropColumns) * Crop, 1, 1);
        var onItem = new bool[Side * Side];
        foreach (SceneItem item in scene.Items)
        {
            Rectangle box = item.Box;
            (double left, double top) = geometry.SourceToCanvas(box.Left, box.Top);
            (double right, double bottom) = geometry.SourceToCanvas(box.Right, box.Bottom);
            for (int py = 0; py < Side; py++)
            {
                for (int px = 0; px < Side; px++)
                {
                    double pl = x0 + (px * Patch * kx), pt = y0 + (py * Patch * ky);
                    if (pl < right && pl + (Patch * kx) > left && pt < bottom && pt + (Patch * ky) > top)
                    {
                        onItem[(py * Side) + px] = true;
                    }
                }
            }
        }

        return onItem;
    }
}
