"""The planner app in the browser (Voila): levers, headline figures, charts, uncertainty, save, download.

``levers`` holds what a planner may move and turns it into dotted overrides; ``words`` the app's own
labels; ``figures`` the charts as PNG bytes; ``headline`` the figures and the comparison with the base;
``uncertainty`` a cancellable run of the micro engine; ``saving`` the scenario file a planner saves;
``planner`` the ipywidgets that tie them together; ``notebook`` the one-cell notebook Voila serves.
Everything but the browser can be tested without one.
"""
