using System.ComponentModel;

namespace VisPruner.Examples;

/// <summary>The examples' tool: a kernel function for Semantic Kernel (KernelFunctionFactory), an AIFunction (AIFunctionFactory) elsewhere.</summary>
internal sealed class BuildingLookup
{
    [Description("Looks up what a buyer should know about a kind of building.")]
    public static string LookupBuilding([Description("The kind of building, e.g. house, barn, tower")] string kind, [Description("Its main colour")] string? colour = null) =>
        kind.ToUpperInvariant() switch
        {
            "HOUSE" => $"A detached {colour} house: check the roof, the damp course and the heating; typical survey cost 500 EUR.",
            "BARN" => "A barn: conversion needs planning permission; check the structure and access.",
            _ => $"No records for '{kind}'.",
        };
}
