app_name = "training_io"
urlpatterns = []
